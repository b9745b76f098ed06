"""Store each intervention's count of published studies beside its rating.

From here on `resources.rating.refresh_rating` keeps it; migration 0013 counts it once,
with the counts by design it is the sum of.
"""

from django.db import migrations, models


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
    ]
