"""Create the editorial roles as groups: Editor (add and change registry data), Reviewer (view)."""

from django.db import migrations

REGISTRY_APPS = ("missions", "mandates")
ROLES = {
    # Editors add and change; deleting stays with superusers, since history cannot undo it cleanly.
    "Editor": ("add", "change", "view"),
    "Reviewer": ("view",),
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; make them now so the groups get them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label__in=REGISTRY_APPS,
            codename__regex=r"^({})_".format("|".join(actions)),
        )
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0002_reference_vocabularies"),
        ("mandates", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
