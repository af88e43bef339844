"""Load the clusters, regions and ISO 3166-1 countries the registry's data refer to."""

from django.db import migrations

CLUSTERS = [
    ("envoy", "I", "Special envoys", "High-level envoys of the Secretary-General carrying out "
     "good offices and mediation (A/68/223 para 30).", 1),
    ("sanctions_panel", "II", "Sanctions panels and monitoring groups", "Teams, groups and "
     "panels of experts monitoring Security Council sanctions (A/68/223 para 31).", 2),
    ("field_mission", "III", "Field-based missions", "Regional offices and country-specific "
     "missions (A/68/223 para 32).", 3),
    ("other_presence", "", "Other UN presences", "Peacekeeping operations, support offices and "
     "UN country teams: transition endpoints and partners, not special political missions.", 4),
]

REGIONS = [
    ("africa", "Africa"),
    ("americas", "Americas"),
    ("asia", "Asia"),
    ("europe", "Europe"),
    ("middle-east", "Middle East"),
    ("global", "Global"),
]


def _name(country) -> str:
    # "Congo, The Democratic Republic of the" reads better as its official name.
    if hasattr(country, "common_name"):
        return country.common_name
    if "," in country.name and hasattr(country, "official_name"):
        return country.official_name
    return country.name


def load(apps, schema_editor):
    import pycountry

    Cluster = apps.get_model("missions", "Cluster")
    Region = apps.get_model("missions", "Region")
    Country = apps.get_model("missions", "Country")
    for slug, numeral, name, description, position in CLUSTERS:
        Cluster.objects.update_or_create(
            slug=slug,
            defaults={"numeral": numeral, "name": name, "description": description,
                      "position": position},
        )
    for slug, name in REGIONS:
        Region.objects.update_or_create(slug=slug, defaults={"name": name})
    Country.objects.bulk_create(
        [Country(iso3=c.alpha_3, iso2=c.alpha_2, name=_name(c)) for c in pycountry.countries],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("missions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
