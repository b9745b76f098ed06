"""Store the library's count of published studies.

From here on `resources.tallies.recount_studies` keeps it; this migration counts it once.
"""

from django.db import migrations, models


def count_published_studies(apps, schema_editor):
    PublishedTotal = apps.get_model("resources", "PublishedTotal")
    Study = apps.get_model("resources", "Study")
    PublishedTotal.objects.create(
        model="study", count=Study.objects.filter(status="published").count()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0014_topic_published_studies"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("model", models.CharField(max_length=40, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["model"],
            },
        ),
        migrations.RunPython(count_published_studies, migrations.RunPython.noop),
    ]
