"""Search across the library with the database's own full-text engine.

- `query`: what a user's words ask for, the same on every database;
- `sqlite` and `postgres`: how each database matches, ranks and highlights them;
- `index`: what each kind of record is found by, and `refresh` / `rebuild`, the index's
  only write path;
- `highlight`: matched words marked, and shown as escaped HTML.

Results are always drawn from `.published()` querysets joined to the index, so the index
never decides what the public may see.

Work is bounded however common the words are. Counts stop at COUNT_CAP + 1 ("more than
1,000"), and when more than RANKED records match, only the newest RANKED are scored: every
match costs the same to score, and scoring every record that mentions "learners" (nine in
ten, in a large library) took more than a second. "Newest" is stated in the query (the
record's id), so the same search always scores the same records.
"""

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from . import postgres, sqlite
from .highlight import marked_html
from .index import KIND_BY_MODEL, KINDS, Kind, rebuild, refresh
from .query import MAX_QUERY_LENGTH, Query, terms

__all__ = [
    "COUNT_CAP",
    "KINDS",
    "KIND_BY_MODEL",
    "MAX_QUERY_LENGTH",
    "RANKED",
    "RESULTS_PER_KIND",
    "Kind",
    "Query",
    "ResultGroup",
    "SearchResults",
    "matching",
    "rebuild",
    "refresh",
    "reindex",
    "reindex_all",
    "search_all",
    "terms",
]

COUNT_CAP = 1000
RANKED = 200  # when more match, only the newest this many are scored
RESULTS_PER_KIND = 10

ENGINES = {"sqlite": sqlite.Engine, "postgresql": postgres.Engine}


def engine_for(model: type, query: Query):
    vendor = connections[model.objects.db].vendor
    if vendor not in ENGINES:
        raise NotImplementedError(f"Full-text search is not set up for {vendor}.")
    return ENGINES[vendor](model, query)


def reindex(instance) -> None:
    """One record's entry brought in step (see `refresh`)."""
    refresh([instance])


reindex_all = rebuild


# Filtering a list --------------------------------------------------------------------


def _newest_first(engine):
    # an expression: the name would sort by the record's own ordering (the key is a link)
    return F(engine.record_key).desc()


def _more_than_cap(matched: QuerySet, engine) -> bool:
    # counted in the index's own order: unordered, SQLite walks a small table (a thousand
    # interventions) and runs the MATCH once per row
    return matched.order_by(_newest_first(engine))[: COUNT_CAP + 1].count() > COUNT_CAP


def matching(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of `queryset` that match `q`, best first as `search_rank`.

    A filter like any other (an inner join to the row's one index entry, so no row comes
    twice), and callers may order afterwards: an explicit sort wins. Only indexed, that is
    published, records can match; a query with no words matches nothing.

    When more than COUNT_CAP records match, they come newest first instead, without a
    `search_rank`: scoring them all to sort them is what made a list of a common word
    take a second. Choosing costs one count that stops at COUNT_CAP + 1.
    """
    query = Query.parse(q)
    if not query:
        return queryset.none()
    engine = engine_for(queryset.model, query)
    matched = queryset.filter(engine.condition())
    if _more_than_cap(matched, engine):
        return matched.order_by(_newest_first(engine))
    return matched.annotate(search_rank=engine.rank()).order_by("-search_rank", "pk")


# The search page ---------------------------------------------------------------------


@dataclass
class ResultGroup:
    kind: Kind
    count: int
    results: list = field(default_factory=list)

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def count_text(self) -> str:
        if self.count_is_capped:
            return f"more than {COUNT_CAP:,}"
        return f"{self.count:,}"

    @property
    def summary(self) -> str:
        """E.g. "1 study", "12 studies", "more than 1,000 studies"."""
        noun = self.kind.entry_field if self.count == 1 else self.kind.label.lower()
        return f"{self.count_text} {noun}"


@dataclass
class SearchResults:
    query: str
    groups: list[ResultGroup]

    @property
    def found(self) -> list[ResultGroup]:
        return [group for group in self.groups if group.count]


def _best(kind: Kind, engine, limit: int) -> list:
    """`kind`'s best `limit` matches, best first, from among its newest RANKED matches,
    each with its marked title and snippet as `search_title` and `search_snippet`.

    The newest RANKED are those from the RANKED-th newest match's key up: a range of the
    index, which each engine reads in one pass.
    """
    key = engine.record_key
    matched = kind.model.objects.published().filter(engine.condition())
    newest = matched.order_by(_newest_first(engine)).values(key)[RANKED - 1 : RANKED]
    return list(
        kind.for_results()
        .filter(engine.condition(), Q(**{f"{key}__gte": Coalesce(Subquery(newest), 0)}))
        .annotate(
            search_rank=engine.rank(),
            search_title=engine.title_marked(),
            search_snippet=engine.snippet_marked(),
        )
        .order_by("-search_rank", "pk")[:limit]
    )


def search_all(q: str, limit_per_kind: int = RESULTS_PER_KIND) -> SearchResults:
    """The best published matches of every kind, with counts and highlighted text.

    Two queries a kind with matches, whatever the data: the count, which stops at
    COUNT_CAP + 1; then the best few of the newest RANKED matches, highlighted. Result
    lines may add one query a kind (studies' authors). A kind with no match costs its
    count alone.
    """
    query = Query.parse(q)
    if not query:
        return SearchResults(q, [])
    groups = []
    for kind in KINDS:
        engine = engine_for(kind.model, query)
        matched = kind.model.objects.published().filter(engine.condition())
        count = matched.order_by(_newest_first(engine))[: COUNT_CAP + 1].count()
        rows = _best(kind, engine, limit_per_kind) if count else []
        for row in rows:
            row.title_html = marked_html(row.search_title)
            row.snippet_html = marked_html(row.search_snippet)
        groups.append(ResultGroup(kind, count, rows))
    return SearchResults(q, groups)
