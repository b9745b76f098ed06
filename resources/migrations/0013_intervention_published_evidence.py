"""Store each intervention's published studies counted by design beside its rating.

From here on `resources.rating.refresh_rating` keeps them and their sum,
`published_studies` (migration 0011); this migration counts both once.
"""

from django.db import migrations, models
from django.db.models import Count, Q


def count_published_evidence(apps, schema_editor):
    Intervention = apps.get_model("resources", "Intervention")
    InterventionStudy = apps.get_model("resources", "InterventionStudy")
    rows = (
        InterventionStudy.objects.filter(study__status="published")
        .values_list("intervention_id", "study__design")
        .annotate(
            studies=Count("pk"),
            appraised=Count("pk", filter=Q(study__appraisal_status="appraised")),
        )
        .order_by()
    )
    evidence = {}
    for intervention_id, design, studies, appraised in rows:
        evidence.setdefault(intervention_id, {})[design] = [studies, appraised]
    changed = []
    for intervention in Intervention.objects.only("pk").filter(pk__in=evidence):
        by_design = evidence[intervention.pk]
        intervention.published_evidence = by_design
        intervention.published_studies = sum(studies for studies, _ in by_design.values())
        changed.append(intervention)
    Intervention.objects.bulk_update(
        changed, ["published_evidence", "published_studies"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0012_study_published_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="published_evidence",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Linked published studies by design: {design: [studies, appraised]}; "
                "stored with the rating, never typed in.",
            ),
        ),
        migrations.RunPython(count_published_evidence, migrations.RunPython.noop),
    ]
