"""SQLite: each kind's FTS5 table gets prefix indexes (FTS5's `prefix` option).

The last word of a search may be the start of a longer word ("learners" is asked for as
`"learners"*`). Without a prefix index FTS5 answers a prefix by reading and merging the
whole position lists of every word that starts with it, on each query that matches it and
again for bm25's count of the records holding it: for "learners" at 100,000 studies, 2.7
million positions in 96,000 records, about 6 ms each time, four times a search, however
few of them the search then reads. With an index of the words' first 3 to PREFIX_MAX
characters (stemmed: "learners" is looked up as "learner"), a prefix of those lengths is
one list, read from its newest end like a whole word; a longer one is answered as before.
The index is larger (at 100,000 synthetic studies the studies' FTS5 data grows from 49 MB
to 244 MB, the database from 737 MB to 934 MB) and a rebuild of it about four times
slower. The tables are dropped, made again over the same views and rebuilt; 0026's
triggers, which name them, keep them in step as before.

PostgreSQL: nothing to do (a prefix is looked up in the GIN index's sorted words).
"""

from django.db import migrations

KINDS = ("study", "intervention", "recommendation", "topic")
COLUMNS = "title, byline, about, body"
PREFIX_MAX = 15
PREFIXES = " ".join(str(length) for length in range(3, PREFIX_MAX + 1))


def _table(kind):
    return f"resources_searchentry_{kind}_fts"


def _view(kind):
    return f"resources_searchentry_{kind}_text"


def _statements(prefix_option):
    for kind in KINDS:
        yield f"DROP TABLE IF EXISTS {_table(kind)}"
        yield (
            f"CREATE VIRTUAL TABLE {_table(kind)} USING fts5({COLUMNS}, "
            f"content='{_view(kind)}', content_rowid='id', "
            f"tokenize='porter unicode61 remove_diacritics 2'{prefix_option})"
        )
        yield f"INSERT INTO {_table(kind)}({_table(kind)}) VALUES ('rebuild')"


def _run(prefix_option):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in _statements(prefix_option):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0034_published_total_facets")]

    operations = [
        migrations.RunPython(_run(f", prefix='{PREFIXES}'"), _run("")),
    ]
