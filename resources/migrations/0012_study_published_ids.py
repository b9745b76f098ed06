"""On PostgreSQL, an index of studies by (status, id): "which of these are published".

A topic's count of published studies joined 44,000 topic rows to the wide study rows
only to read their status; this index and the topic index answer it without them.
SQLite's index on status already holds each row's id, and a second one only misleads its
planner (which chose it over the list's order index), so it stays PostgreSQL's.
"""

from django.db import migrations

INDEX = "study_published_ids_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON resources_study (status, id)")
        schema_editor.execute("ANALYZE resources_study")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0011_intervention_published_studies"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
