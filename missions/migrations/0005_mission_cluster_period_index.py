"""A covering index for "a cluster's missions in force on D" (the API's filtered list).

On PostgreSQL the period columns are included, so the index alone answers; SQLite ignores
`include` and gets a plain index on (cluster, start).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0004_mission_search_document_gin_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="mission",
            index=models.Index(
                fields=["cluster", "start_date"],
                include=("end_date", "end_unknown", "id"),
                name="mission_cluster_period_idx",
            ),
        ),
    ]
