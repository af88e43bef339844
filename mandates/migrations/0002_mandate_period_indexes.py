"""Indexes for "missions whose mandate in force on D holds area A" (the API's filtered list).

The two mandate indexes cover the period columns on PostgreSQL, so the mandates in force on a
day are read from an index alone (SQLite ignores `include` and gets plain indexes). The third,
on the mandate-area links, finds an area's mandates without visiting the table; Django does not
declare indexes on an auto-created many-to-many table, hence the SQL (the same on both).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="mandate",
            index=models.Index(
                fields=["start_date"],
                include=("end_date", "end_unknown", "mission", "id"),
                name="mandate_active_on_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="mandate",
            index=models.Index(
                fields=["mission", "start_date"],
                include=("end_date", "end_unknown", "id"),
                name="mandate_mission_period_idx",
            ),
        ),
        migrations.RunSQL(
            "CREATE INDEX mandate_areas_area_mandate_idx "
            "ON mandates_mandate_mandate_areas (mandatearea_id, mandate_id)",
            "DROP INDEX mandate_areas_area_mandate_idx",
        ),
    ]
