"""Search on SQLite: FTS5, one table per kind of record (`resources/models/search.py`).

Each table's rowid is its record's id, so a record joins its index row directly
(`search_index`), and rowid order, which FTS5 reads without sorting, is the stable
order in which the first matches of a common word are taken.
"""

from django.db.models import F, FloatField, Func, Q, TextField, Value

from .highlight import SNIPPET_WORDS, START, STOP
from .query import Query

TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # bm25 column weights: a title match counts most


def fts5_query(query: Query) -> str:
    """Each word a quoted FTS5 string (words hold no quotes); the last may be a prefix."""
    quoted = [f'"{word}"' for word in query.words]
    if query.last_is_prefix:
        quoted[-1] += "*"
    return " AND ".join(quoted)


class Engine:
    """Match, rank (higher is better) and highlight one kind of record."""

    # the record's key as the index holds it: a range of it is one pass over the index
    record_key = "search_index__pk"

    def __init__(self, model: type, query: Query):
        self.model = model
        self.query = query

    def _document(self):
        return F("search_index__document")

    def condition(self) -> Q:
        return Q(search_index__document__match=fts5_query(self.query))

    def rank(self):
        return Func(
            self._document(),
            Value(TITLE_WEIGHT),
            Value(BODY_WEIGHT),
            function="bm25",
            template="-%(function)s(%(expressions)s)",  # bm25: lower is better
            output_field=FloatField(),
        )

    def title_marked(self):
        return Func(
            self._document(),
            Value(0),
            Value(START),
            Value(STOP),
            function="highlight",
            output_field=TextField(),
        )

    def snippet_marked(self):
        return Func(
            self._document(),
            Value(1),
            Value(START),
            Value(STOP),
            Value("…"),
            Value(SNIPPET_WORDS),
            function="snippet",
            output_field=TextField(),
        )
