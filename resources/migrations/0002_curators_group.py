"""The curators group: the editorial team's permissions in the admin.

Curators add, change and view every record of the library. They delete only the rows that
belong to a record and are edited inline with it (authors, outcomes, findings, study links,
evidence, references, learner levels); removing a whole study, intervention, recommendation,
topic, source or country stays with superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "curators"

EDIT = ("add", "change", "view")

# model names whose rows curators may delete, because they are edited as inlines
CHILD_ROWS = (
    "studyauthor",
    "outcome",
    "finding",
    "interventionstudy",
    "recommendationevidence",
    "studyreference",
    "studylearnerlevel",
)


def create_curators_group(apps, schema_editor):
    # On a fresh database the permissions are only created by post_migrate, after every
    # migration has run; create this app's now so that the group can be given them.
    app_config = apps.get_app_config("resources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model._meta.model_name}" for model in app_config.get_models() for action in EDIT
    ]
    codenames += [f"delete_{model_name}" for model_name in CHILD_ROWS]

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label="resources", codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found for the curators group: {sorted(missing)}")
    group.permissions.add(*permissions)


def delete_curators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_curators_group, delete_curators_group),
    ]
