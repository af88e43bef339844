"""Which areas each mission's mandates ever held, one row a pair (mandates.models.AreaHolding),
filled from the mandates already stored."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    holding = apps.get_model("mandates", "AreaHolding")
    links = apps.get_model("mandates", "Mandate")._meta.get_field("mandate_areas").remote_field
    pairs = (
        links.through.objects.values_list("mandate__mission_id", "mandatearea_id")
        .distinct()
        .order_by()
    )
    holding.objects.bulk_create(
        [holding(mission_id=mission, mandate_area_id=area) for mission, area in pairs],
        batch_size=5000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0002_mandate_period_indexes'),
        ('missions', '0005_mission_cluster_period_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='AreaHolding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mandate_area', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='holdings', to='mandates.mandatearea')),
                ('mission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='area_holdings', to='missions.mission')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('mission', 'mandate_area'), name='unique_area_holding')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
