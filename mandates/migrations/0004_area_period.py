"""The areas each mandate held over its period, one row a mandate and area
(mandates.models.AreaPeriod), filled from the mandates already stored."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    mandate = apps.get_model("mandates", "Mandate")
    links = mandate._meta.get_field("mandate_areas").remote_field.through
    name = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {name(apps.get_model('mandates', 'AreaPeriod')._meta.db_table)}"
            " (mandate_id, mission_id, mandate_area_id, start_date, end_date, end_unknown)"
            " SELECT d.id, d.mission_id, l.mandatearea_id, d.start_date, d.end_date,"
            f" d.end_unknown FROM {name(links._meta.db_table)} l"
            f" JOIN {name(mandate._meta.db_table)} d ON d.id = l.mandate_id"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0003_area_holding'),
        ('missions', '0005_mission_cluster_period_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='AreaPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start_date', models.DateField()),
                ('end_date', models.DateField(null=True)),
                ('end_unknown', models.BooleanField(default=False)),
                ('mandate', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='area_periods', to='mandates.mandate')),
                ('mandate_area', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='periods', to='mandates.mandatearea')),
                ('mission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='area_periods', to='missions.mission')),
            ],
            options={
                'indexes': [models.Index(fields=['mandate_area', 'start_date'], include=('end_date', 'end_unknown', 'mission'), name='area_period_active_on_idx')],
                'constraints': [models.UniqueConstraint(fields=('mandate', 'mandate_area'), name='unique_area_period')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
