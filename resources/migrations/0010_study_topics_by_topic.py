"""An index on the studies-topics table in the order a topic reads it: topic, then study.

Django's own indexes on the table are (study, topic) and (topic) alone, so counting a
topic's published studies went through the table's rows for each study id. With the
study id in the index, the count reads the index alone. Django makes the table for the
many-to-many field, so the index is SQL; the same statements run on SQLite and PostgreSQL.
"""

from django.db import migrations

INDEX = "study_topics_topic_study_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0009_evidence_map_cells"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE INDEX {INDEX} ON resources_study_topics (topic_id, study_id)",
                "ANALYZE resources_study_topics",
            ],
            reverse_sql=[f"DROP INDEX {INDEX}"],
        ),
    ]
