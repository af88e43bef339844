"""Compress stored statistics results with lz4 on PostgreSQL, where the server has it.

A refresh rewrites every snapshot: the two largest results (about 350 KB of JSON each in
bench/stats.py) took about 4 ms each to compress with PostgreSQL's default, pglz, and 1.5 ms
with lz4. Results already stored keep their compression until rewritten. Nothing changes on
SQLite, nor on a PostgreSQL server older than 14 or built without lz4.
"""

from django.db import migrations

ALTER = "ALTER TABLE reports_statisticsnapshot ALTER COLUMN results SET COMPRESSION {}"


def _has_lz4(connection) -> bool:
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        return cursor.fetchone() is not None


def use_lz4(apps, schema_editor):
    if _has_lz4(schema_editor.connection):
        schema_editor.execute(ALTER.format("lz4"))


def use_default(apps, schema_editor):
    if _has_lz4(schema_editor.connection):
        schema_editor.execute(ALTER.format("DEFAULT"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_snapshot_last_read_at"),
    ]

    operations = [
        migrations.RunPython(use_lz4, use_default, elidable=False),
    ]
