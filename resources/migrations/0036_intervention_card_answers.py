"""A practice's two answers that its card shows, in columns of their own beside the stored
evidence profile they come from: a list sorted by anything but an index made SQLite take
them out of every matching practice's profile (tens of kilobytes each) before it sorted.
`resources.rating.refresh_rating` writes them with the profile; this copies them once."""

from django.db import migrations, models


def copy_from_profiles(apps, schema_editor):
    Intervention = apps.get_model("resources", "Intervention")
    practices = []
    for practice in Intervention.objects.only("evidence_profile").iterator(chunk_size=500):
        profile = practice.evidence_profile or {}
        practice.profile_confidence = profile.get("experience", {}).get("confidence") or ""
        practice.profile_links = profile.get("links") or {}
        practices.append(practice)
    Intervention.objects.bulk_update(
        practices, ["profile_confidence", "profile_links"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0035_search_prefix_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="profile_confidence",
            field=models.CharField(
                blank=True,
                choices=[
                    ("high", "High"),
                    ("moderate", "Moderate"),
                    ("low", "Low"),
                    ("very_low", "Very low"),
                ],
                default="",
                editable=False,
                max_length=15,
            ),
        ),
        migrations.AddField(
            model_name="intervention",
            name="profile_links",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(copy_from_profiles, migrations.RunPython.noop),
    ]
