"""Search on PostgreSQL: the entries' stored tsvector, a GIN index per kind of record
(migration 0021), ranked by ts_rank and highlighted by ts_headline, all through
django.contrib.postgres.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, Func, Q, TextField, Value

from .highlight import GT, LT, SNIPPET_WORDS, START, STOP
from .query import Query

WEIGHTS = [0.0, 0.0, 0.2, 1.0]  # ts_rank weights for D, C, B (body), A (title)
CONFIG = "english"


def tsquery(query: Query) -> str:
    """The query for to_tsquery: quoted words (which hold no quotes), the last may be a
    prefix; the english configuration stems each one."""
    quoted = [f"'{word}'" for word in query.words]
    if query.last_is_prefix:
        quoted[-1] += ":*"
    return " & ".join(quoted)


class _Translate(Func):
    function = "translate"
    output_field = TextField()


class Engine:
    """Match, rank (higher is better) and highlight one kind of record."""

    record_key = "pk"

    def __init__(self, model: type, query: Query):
        self.model = model
        self.query = query

    def _query(self) -> SearchQuery:
        return SearchQuery(tsquery(self.query), search_type="raw", config=CONFIG)

    def condition(self) -> Q:
        """Matching entries of this kind: naming the kind lets PostgreSQL read the kind's
        own GIN index (migration 0021) rather than every entry of a small kind."""
        kind = self.model._meta.model_name
        return Q(
            search_entry__search_vector=self._query(), **{f"search_entry__{kind}__isnull": False}
        )

    def rank(self):
        return SearchRank(F("search_entry__search_vector"), self._query(), weights=WEIGHTS)

    def _headline(self, column: str, **options):
        # ts_headline treats < and > as markup and drops them: they travel as stand-ins
        text = _Translate(F(f"search_entry__{column}"), Value("<>"), Value(LT + GT))
        return SearchHeadline(
            text, self._query(), config=CONFIG, start_sel=START, stop_sel=STOP, **options
        )

    def title_marked(self):
        return self._headline("title", highlight_all=True)

    def snippet_marked(self):
        return self._headline(
            "body", max_words=SNIPPET_WORDS, min_words=12, max_fragments=2,
            fragment_delimiter=" … ",
        )  # fmt: skip
