"""An index on the studies-countries table in the order a country reads it: country, then
study.

The studies list offers the countries some published study was done in: one EXISTS per
country. With Django's index on the country alone, PostgreSQL gathered all of a
country's rows into a bitmap before finding the first published study; with the study id
in the index it reads the index and stops at the first. As for the topics table (0010),
Django makes this table for the many-to-many field, so the index is SQL that runs on
SQLite and PostgreSQL alike.
"""

from django.db import migrations

INDEX = "study_countries_country_study_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0016_intervention_most_studied_index"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE INDEX {INDEX} ON resources_study_countries (country_id, study_id)",
                "ANALYZE resources_study_countries",
            ],
            reverse_sql=[f"DROP INDEX {INDEX}"],
        ),
    ]
