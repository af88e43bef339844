"""The cluster-and-period index also covers acronym (PostgreSQL; SQLite ignores `include`).

The API's filtered mission list picks its page's keys by acronym from this index alone and
reads the other columns for the page's rows only (missions.api.serializers.MissionRows).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0005_mission_cluster_period_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="mission",
            name="mission_cluster_period_idx",
        ),
        migrations.AddIndex(
            model_name="mission",
            index=models.Index(
                fields=["cluster", "start_date"],
                include=("end_date", "end_unknown", "id", "acronym"),
                name="mission_cluster_period_idx",
            ),
        ),
    ]
