"""The editors group: curators' permissions, plus publishing and unpublishing.

Each publishable model has its own permission, `publish_<model>` (publish_study,
publish_intervention, publish_recommendation, publish_topic), declared in its Meta;
`resources.workflow` is the only code that reads them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "editors"
CURATORS = "curators"
PUBLISH = ["publish_study", "publish_intervention", "publish_recommendation", "publish_topic"]


def create_editors_group(apps, schema_editor):
    # as in 0002: on a fresh database permissions only appear after every migration ran
    app_config = apps.get_app_config("resources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    publish = Permission.objects.filter(content_type__app_label="resources", codename__in=PUBLISH)
    missing = set(PUBLISH) - set(publish.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found for the editors group: {sorted(missing)}")

    editors, _ = Group.objects.get_or_create(name=GROUP_NAME)
    curators = Group.objects.get(name=CURATORS)
    editors.permissions.add(*curators.permissions.all(), *publish)


def delete_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0005_history_and_publish_permissions"),
        ("resources", "0002_curators_group"),
    ]

    operations = [
        migrations.RunPython(create_editors_group, delete_editors_group),
    ]
