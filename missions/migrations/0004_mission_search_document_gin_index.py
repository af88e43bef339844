"""Store each mission's full-text search document, with a GIN index on PostgreSQL.

The column exists everywhere (NULL on SQLite); the index and the filling of existing rows are
PostgreSQL only, since a GIN index or a tsvector means nothing to SQLite. The SQL is frozen
here on purpose: it must match missions.search._search_vector() as of this migration.
"""

import django.contrib.postgres.search
from django.db import migrations

INDEX = "missions_mission_search_document_gin"

FILL = """
UPDATE missions_mission AS m SET search_document =
    setweight(to_tsvector('simple'::regconfig, COALESCE(m.acronym, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(m.name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE((
        SELECT STRING_AGG(DISTINCT a.name, ' ' ORDER BY a.name)
        FROM mandates_mandatearea AS a
        WHERE a.id IN (
            SELECT ma.mandatearea_id
            FROM mandates_mandate_mandate_areas AS ma
            JOIN mandates_mandate AS d ON d.id = ma.mandate_id
            WHERE d.mission_id = m.id
        ) OR a.id IN (
            SELECT t.mandate_area_id FROM mandates_areaattestation AS t WHERE t.mission_id = m.id
        )
    ), '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(m.notes, '')), 'C')
"""


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON missions_mission USING gin (search_document)"
    )
    schema_editor.execute(FILL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0003_roles"),
        # The filling reads mandates and their areas.
        ("mandates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mission",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_and_fill, drop_index, elidable=False),
    ]
