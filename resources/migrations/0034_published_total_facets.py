"""Each whole list's filter counts, stored beside its total (resources/facets.py): with
nothing set, the studies and interventions lists and the evidence map counted every
published record on every visit. Empty until the next write or `rebuild`; until then the
lists count afresh, as before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0033_study_bias_domains"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedtotal",
            name="facets",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
