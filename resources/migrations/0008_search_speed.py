import importlib

import django.db.models.deletion
import resources.models.search
from django.db import migrations, models

# SQLite: one FTS5 table per kind of record instead of one for all. FTS5 gathers every
# match of a prefix ("learners*") before it looks at anything else, on every query, so
# with one table a search of the topics read the whole list of studies that share a
# common word. Each table reads its kind's entries through a view (external content),
# uses the record's id as its rowid, is porter-stemmed as before, and is kept in step by
# triggers on resources_searchentry. As with 0004: a later migration that makes SQLite
# rebuild resources_searchentry drops these triggers and must run SQLITE_FORWARD again.
KINDS = ("study", "intervention", "recommendation", "topic")


def _table(kind):
    return f"resources_searchentry_{kind}_fts"


def _view(kind):
    return f"resources_searchentry_{kind}_text"


def _trigger(event, body):
    return (
        f"CREATE TRIGGER resources_searchentry_fts_{event.lower()} AFTER {event} "
        f"ON resources_searchentry BEGIN {' '.join(body)} END"
    )


def _insert(kind):
    return (
        f"INSERT INTO {_table(kind)}(rowid, title, body) "
        f"SELECT new.{kind}_id, new.title, new.body WHERE new.{kind}_id IS NOT NULL;"
    )


def _delete(kind):
    return (
        f"INSERT INTO {_table(kind)}({_table(kind)}, rowid, title, body) "
        f"SELECT 'delete', old.{kind}_id, old.title, old.body WHERE old.{kind}_id IS NOT NULL;"
    )


SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_update",
    "DROP TABLE IF EXISTS resources_searchentry_fts",
    *(
        f"CREATE VIEW {_view(kind)} AS SELECT {kind}_id AS id, title, body "
        f"FROM resources_searchentry WHERE {kind}_id IS NOT NULL"
        for kind in KINDS
    ),
    *(
        f"""CREATE VIRTUAL TABLE {_table(kind)} USING fts5(
            title, body,
            content='{_view(kind)}', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )"""
        for kind in KINDS
    ),
    _trigger("INSERT", [_insert(kind) for kind in KINDS]),
    _trigger("DELETE", [_delete(kind) for kind in KINDS]),
    _trigger("UPDATE", [*(_delete(kind) for kind in KINDS), *(_insert(kind) for kind in KINDS)]),
    *(f"INSERT INTO {_table(kind)}({_table(kind)}) VALUES ('rebuild')" for kind in KINDS),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS resources_searchentry_fts_update",
    *(f"DROP TABLE IF EXISTS {_table(kind)}" for kind in KINDS),
    *(f"DROP VIEW IF EXISTS {_view(kind)}" for kind in KINDS),
    *importlib.import_module("resources.migrations.0004_search_index").SQLITE_FORWARD,
]
# PostgreSQL: no parallel scans of the search entries. The search page reads at most
# 1,001 matches a kind, and the planner's parallel plans for that started two workers that
# each read more rows than were asked for: a middling word's count took about three times
# as long. (A list's full count of a common word, which reads every match, loses its two
# helpers: longer alone, but a third of the CPU when many requests share the machine.)
POSTGRESQL_FORWARD = ["ALTER TABLE resources_searchentry SET (parallel_workers = 0)"]
POSTGRESQL_BACKWARD = ["ALTER TABLE resources_searchentry RESET (parallel_workers)"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0007_speed_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='InterventionSearchIndex',
            fields=[
                ('title', models.TextField()),
                ('body', models.TextField()),
                ('record', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='resources.intervention')),
                ('document', resources.models.search.FTS5Column(db_column='resources_searchentry_intervention_fts')),
            ],
            options={
                'db_table': 'resources_searchentry_intervention_fts',
                'abstract': False,
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='RecommendationSearchIndex',
            fields=[
                ('title', models.TextField()),
                ('body', models.TextField()),
                ('record', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='resources.recommendation')),
                ('document', resources.models.search.FTS5Column(db_column='resources_searchentry_recommendation_fts')),
            ],
            options={
                'db_table': 'resources_searchentry_recommendation_fts',
                'abstract': False,
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='StudySearchIndex',
            fields=[
                ('title', models.TextField()),
                ('body', models.TextField()),
                ('record', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='resources.study')),
                ('document', resources.models.search.FTS5Column(db_column='resources_searchentry_study_fts')),
            ],
            options={
                'db_table': 'resources_searchentry_study_fts',
                'abstract': False,
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='TopicSearchIndex',
            fields=[
                ('title', models.TextField()),
                ('body', models.TextField()),
                ('record', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='resources.topic')),
                ('document', resources.models.search.FTS5Column(db_column='resources_searchentry_topic_fts')),
            ],
            options={
                'db_table': 'resources_searchentry_topic_fts',
                'abstract': False,
                'managed': False,
            },
        ),
        migrations.DeleteModel(
            name='SearchIndex',
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
