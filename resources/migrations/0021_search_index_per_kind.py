"""PostgreSQL: a GIN index per kind of record, in place of one over every search entry.

Each kind's search asks for its own entries (`<kind>_id IS NOT NULL`, see
`resources.search._PostgreSQL.condition`). Over one index of every entry, PostgreSQL
could not tell how few of the thousand interventions a rare word matches, and read every
intervention's vector instead, more with every intervention; from the kind's own index
it reads the matches alone. SQLite
has one FTS5 table per kind for the same reason (0008), so there is nothing to do there.
"""

from django.db import migrations

KINDS = ("study", "intervention", "recommendation", "topic")
FORWARD = [
    *(
        f"CREATE INDEX search_entry_{kind}_vector_gin ON resources_searchentry "
        f"USING gin (search_vector) WHERE {kind}_id IS NOT NULL"
        for kind in KINDS
    ),
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "ANALYZE resources_searchentry",
]
BACKWARD = [
    "CREATE INDEX search_entry_vector_gin ON resources_searchentry USING gin (search_vector)",
    *(f"DROP INDEX IF EXISTS search_entry_{kind}_vector_gin" for kind in KINDS),
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0020_intervention_by_name"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
