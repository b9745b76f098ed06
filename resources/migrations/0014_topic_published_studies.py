"""Store each topic's count of published studies.

From here on `Topic.objects.recount_studies()` keeps it; this migration counts it once.
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce


def count_published_studies(apps, schema_editor):
    Topic = apps.get_model("resources", "Topic")
    filed = (
        Topic.studies.through.objects.filter(topic=models.OuterRef("pk"), study__status="published")
        .values("topic")
        .annotate(studies=models.Count("*"))
        .values("studies")
    )
    Topic.objects.update(published_studies=Coalesce(models.Subquery(filed), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0013_intervention_published_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="published_studies",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Published studies filed under it; recounted on every change to a "
                "study's status or topics, never typed in.",
            ),
        ),
        migrations.RunPython(count_published_studies, migrations.RunPython.noop),
    ]
