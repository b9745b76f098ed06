"""Store each intervention's count of published studies beside its rating.

From here on `resources.rating.refresh_rating` keeps it; this migration counts it once.
"""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_published_studies(apps, schema_editor):
    Intervention = apps.get_model("resources", "Intervention")
    InterventionStudy = apps.get_model("resources", "InterventionStudy")
    published = (
        InterventionStudy.objects.filter(intervention=OuterRef("pk"), study__status="published")
        .order_by()
        .values("intervention")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Intervention.objects.update(published_studies=Coalesce(Subquery(published), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0010_study_topics_by_topic"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="published_studies",
            field=models.PositiveIntegerField(
                db_index=True,
                default=0,
                editable=False,
                help_text="Linked published studies; stored with the rating, never typed in.",
            ),
        ),
        migrations.RunPython(count_published_studies, migrations.RunPython.noop),
    ]
