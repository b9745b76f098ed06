"""Search: an entry in four parts (title, byline, about, body), the library's vocabulary
for "Did you mean …?", and the curators' synonyms, seeded with the field's commonest.

SQLite rebuilds resources_searchentry to add the columns, which drops the FTS5 triggers
and fails on the views that read it, so the FTS5 tables, views and triggers of 0008 are
dropped first and made again over four columns. PostgreSQL's generated tsvector changes
its expression, which PostgreSQL cannot alter: it is dropped and added again, and with it
the GIN index per kind of 0021. Entries written before this migration have empty new
parts until the index is rebuilt (`manage.py rebuild_search`, or loading the seed).
"""

import django.contrib.postgres.search
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

import resources.models.search

KINDS = ("study", "intervention", "recommendation", "topic")
COLUMNS = ("title", "byline", "about", "body")


def _table(kind):
    return f"resources_searchentry_{kind}_fts"


def _view(kind):
    return f"resources_searchentry_{kind}_text"


def _trigger(event, body):
    return (
        f"CREATE TRIGGER resources_searchentry_fts_{event.lower()} AFTER {event} "
        f"ON resources_searchentry BEGIN {' '.join(body)} END"
    )


def _insert(kind, columns):
    names = ", ".join(columns)
    values = ", ".join(f"new.{column}" for column in columns)
    return (
        f"INSERT INTO {_table(kind)}(rowid, {names}) "
        f"SELECT new.{kind}_id, {values} WHERE new.{kind}_id IS NOT NULL;"
    )


def _delete(kind, columns):
    names = ", ".join(columns)
    values = ", ".join(f"old.{column}" for column in columns)
    return (
        f"INSERT INTO {_table(kind)}({_table(kind)}, rowid, {names}) "
        f"SELECT 'delete', old.{kind}_id, {values} WHERE old.{kind}_id IS NOT NULL;"
    )


def sqlite_full_text(columns):
    """0008's FTS5 tables, views and triggers, over `columns`."""
    names = ", ".join(columns)
    return [
        *(
            f"CREATE VIEW {_view(kind)} AS SELECT {kind}_id AS id, {names} "
            f"FROM resources_searchentry WHERE {kind}_id IS NOT NULL"
            for kind in KINDS
        ),
        *(
            f"""CREATE VIRTUAL TABLE {_table(kind)} USING fts5(
                {names},
                content='{_view(kind)}', content_rowid='id',
                tokenize='porter unicode61 remove_diacritics 2'
            )"""
            for kind in KINDS
        ),
        _trigger("INSERT", [_insert(kind, columns) for kind in KINDS]),
        _trigger("DELETE", [_delete(kind, columns) for kind in KINDS]),
        _trigger(
            "UPDATE",
            [*(_delete(kind, columns) for kind in KINDS), *(_insert(kind, columns) for kind in KINDS)],
        ),
        *(f"INSERT INTO {_table(kind)}({_table(kind)}) VALUES ('rebuild')" for kind in KINDS),
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_update",
    *(f"DROP TABLE IF EXISTS {_table(kind)}" for kind in KINDS),
    *(f"DROP VIEW IF EXISTS {_view(kind)}" for kind in KINDS),
]
POSTGRESQL_INDEXES = [
    *(
        f"CREATE INDEX IF NOT EXISTS search_entry_{kind}_vector_gin ON resources_searchentry "
        f"USING gin (search_vector) WHERE {kind}_id IS NOT NULL"
        for kind in KINDS
    ),
    # "Did you mean …?": the words within trigram distance of a misspelt one
    "CREATE INDEX IF NOT EXISTS search_word_trigram ON resources_searchword "
    "USING gin (word gin_trgm_ops)",
    "ANALYZE resources_searchentry",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


# The field's commonest equivalences, for curators to extend in the admin.
SYNONYMS = [
    (
        "resident, residency, postgraduate, postgraduate trainee, graduate medical education, "
        "house officer, junior doctor",
        "Doctors in training after medical school.",
    ),
    (
        "medical student, undergraduate, undergraduate medical education",
        "Learners before their first medical degree.",
    ),
    ("anti-racism, anti-racist", "The practice and those who practise it."),
    ("racism, racist", "The practice and those who practise it."),
    (
        "continuing medical education, continuing professional development",
        "Learning after training, for practising clinicians.",
    ),
]


def seed_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("resources", "SynonymGroup")
    SynonymGroup.objects.bulk_create(
        SynonymGroup(terms=terms, note=note) for terms, note in SYNONYMS
    )


def let_curators_edit_synonyms(apps, schema_editor):
    """Curators and editors keep the synonyms: add, change, view and delete a group."""
    app_config = apps.get_app_config("resources")
    app_config.models_module = True  # as in 0002: permissions exist only after migrate
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="resources",
        codename__in=[f"{action}_synonymgroup" for action in ("add", "change", "view", "delete")],
    )
    for group in Group.objects.filter(name__in=["curators", "editors"]):
        group.permissions.add(*permissions)


def unseed_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("resources", "SynonymGroup")
    SynonymGroup.objects.filter(terms__in=[terms for terms, _ in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0025_alerts"),
        ("resources", "0006_editors_group"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_DROP}),
            _run({"sqlite": [*SQLITE_DROP, *sqlite_full_text(("title", "body"))]}),
        ),
        migrations.RemoveField(model_name="searchentry", name="search_vector"),
        migrations.AddField(
            model_name="searchentry",
            name="byline",
            field=models.TextField(blank=True, help_text="A study's authors."),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="about",
            field=models.TextField(blank=True, help_text="Journal, DOI and topics."),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=resources.models.search.WeightedDocument(
                    "title", "byline", "about", "body"
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
            ),
        ),
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=60, unique=True)),
                ("records", models.PositiveIntegerField(default=1)),
            ],
            options={"ordering": ["word"]},
        ),
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("terms", models.TextField(help_text="Words or phrases that mean the same here, separated by commas, e.g. “resident, residency, postgraduate trainee”. Plurals and hyphens need no entry of their own.")),
                ("note", models.CharField(blank=True, help_text="Why these belong together.", max_length=200)),
            ],
            options={"ordering": ["terms"]},
        ),
        migrations.RunPython(
            _run({"sqlite": sqlite_full_text(COLUMNS), "postgresql": POSTGRESQL_INDEXES}),
            _run({"sqlite": SQLITE_DROP}),
        ),
        migrations.RunPython(seed_synonyms, unseed_synonyms),
        migrations.RunPython(let_curators_edit_synonyms, migrations.RunPython.noop),
    ]
