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
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from resources.models import SearchWord, Study, StudyAuthor

from . import postgres, sqlite
from .highlight import START, STOP, marked_html
from .index import KIND_BY_MODEL, KINDS, Kind, rebuild, refresh
from .query import MAX_QUERY_LENGTH, Query, curated_synonyms, terms

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
    "did_you_mean",
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

ENGINES = {"sqlite": sqlite, "postgresql": postgres}


def engine_for(model: type, query: Query):
    vendor = connections[model.objects.db].vendor
    if vendor not in ENGINES:
        raise NotImplementedError(f"Full-text search is not set up for {vendor}.")
    return ENGINES[vendor].Engine(model, query)


def reindex(instance) -> None:
    """One record's entry brought in step (see `refresh`)."""
    refresh([instance])


reindex_all = rebuild


# Matching and ordering ----------------------------------------------------------------


def _newest_first(engine):
    # an expression: the name would sort by the record's own ordering (the key is a link)
    return F(engine.record_key).desc()


def _by_doi(model: type, query: Query) -> Q:
    """A DOI finds its study, and nothing else."""
    return Q(doi=query.doi) if model is Study else Q(pk__in=[])


def _known(engine, query: Query):
    """1 for a known item the query names: a study by an author of that family name, or
    a record whose title holds the words typed as a phrase; 0 for the rest. None when
    nothing of this kind can be one (a single word, and not a study)."""
    named = Q()
    if engine.model is Study:
        authors = StudyAuthor.objects.filter(study=OuterRef("pk"))
        named |= Q(Exists(authors.filter(family_name__iexact=query.text.strip())))
    if len(query.words) > 1:
        named |= engine.in_title(query.words)
    if not named:
        return None
    return Case(When(named, then=Value(1)), default=Value(0), output_field=IntegerField())


BEST_FIRST = ("-search_known", "-search_rank", "pk")


def _best_first(queryset: QuerySet, engine, query: Query, **annotations) -> QuerySet:
    """`queryset` with `annotations`, known items first where the query can name one,
    then best first as `search_rank`."""
    known = _known(engine, query)
    if known is None:  # every record is 0: the order is the rank's
        ordered = queryset.annotate(search_rank=engine.rank(), **annotations)
        return ordered.order_by(*BEST_FIRST[1:])
    ordered = queryset.annotate(search_rank=engine.rank(), search_known=known, **annotations)
    return ordered.order_by(*BEST_FIRST)


def _more_than_cap(matched: QuerySet, engine) -> bool:
    # counted in the index's own order: unordered, SQLite walks a small table (a thousand
    # interventions) and runs the MATCH once per row
    return matched.order_by(_newest_first(engine))[: COUNT_CAP + 1].count() > COUNT_CAP


def matching(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of `queryset` that match `q`, known items first, then best first as
    `search_rank`.

    A filter like any other (an inner join to the row's one index entry, so no row comes
    twice), and callers may order afterwards: an explicit sort wins. Only indexed, that is
    published, records can match; a query with no words matches nothing.

    When more than COUNT_CAP records match, they come newest first instead, without a
    `search_rank`: scoring them all to sort them is what made a list of a common word
    take a second. Choosing costs one count that stops at COUNT_CAP + 1.
    """
    query = Query.parse(q, curated_synonyms())
    if not query:
        return queryset.none()
    if query.doi:
        return queryset.filter(_by_doi(queryset.model, query))
    engine = engine_for(queryset.model, query)
    matched = queryset.filter(engine.condition())
    if _more_than_cap(matched, engine):
        return matched.order_by(_newest_first(engine))
    return _best_first(matched, engine, query)


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
    suggestion: str = ""  # "Did you mean …?", when nothing matches

    @property
    def found(self) -> list[ResultGroup]:
        return [group for group in self.groups if group.count]


def _best(kind: Kind, engine, query: Query, limit: int, newest: list) -> list:
    """`kind`'s best `limit` matches, known items first, from among its newest RANKED
    matches, each with its marked title and snippet as `search_title` and `search_snippet`,
    and its marked byline and about, for a kind whose entries hold them, as `search_byline`
    and `search_about`.

    `newest` is the keys of the newest matches, newest first (the count's): the newest
    RANKED are those from the RANKED-th newest key up, a range of the index that each
    engine seeks to, rather than every match joined and then cut to the range.
    """
    lowest = newest[:RANKED][-1]
    marked = {"search_title": engine.title_marked(), "search_snippet": engine.snippet_marked()}
    if "byline" in kind.parts:
        marked["search_byline"] = engine.byline_marked()
    if "about" in kind.parts:
        marked["search_about"] = engine.about_marked()
    newest_ranked = kind.for_results().filter(
        engine.condition(), Q(**{f"{engine.record_key}__gte": lowest})
    )
    return list(_best_first(newest_ranked, engine, query, **marked)[:limit])


def _why(row) -> str:
    """The marked text that says why a record matched: its snippet, or else its authors
    or what it is about (journal, DOI, topics), whichever holds a match."""
    for text in (
        row.search_snippet,
        getattr(row, "search_byline", ""),
        getattr(row, "search_about", ""),
    ):
        if text and START in text:
            return text
    return row.search_snippet


def _found_by_doi(query: Query) -> list[ResultGroup]:
    """The study with this DOI, in the studies' group; the other kinds hold none."""
    kind = KIND_BY_MODEL[Study]
    studies = list(kind.for_results().filter(_by_doi(Study, query)))
    for study in studies:
        study.title_html = marked_html(study.title)
        study.snippet_html = marked_html(f"DOI {START}{study.doi}{STOP}")
    return [
        ResultGroup(other, 0) if other is not kind else ResultGroup(kind, len(studies), studies)
        for other in KINDS
    ]


def did_you_mean(query: Query) -> str:
    """The query with each word the library does not hold replaced by the library's
    nearest word, or "" when no word needs it or none is near."""
    words = query.words
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    similar_word = ENGINES[connections[SearchWord.objects.db].vendor].similar_word
    suggested = [
        word if word in known or word.isdigit() else (similar_word(word) or word) for word in words
    ]
    return " ".join(suggested) if suggested != list(words) else ""


def search_all(q: str, limit_per_kind: int = RESULTS_PER_KIND) -> SearchResults:
    """The best published matches of every kind (a group for each, even when empty),
    with counts and highlighted text, and "Did you mean …?" when nothing matches.

    One query for the synonyms, then two queries a kind with matches, whatever the data:
    the keys of the newest COUNT_CAP + 1 matches (their number is the count); then the
    best few of the newest RANKED matches, highlighted. Result lines may add one query a
    kind (studies' authors). A kind with no match costs its count alone.
    """
    query = Query.parse(q, curated_synonyms())
    if not query:
        return SearchResults(q, [ResultGroup(kind, 0) for kind in KINDS])
    if query.doi:
        return SearchResults(q, _found_by_doi(query))
    groups = []
    for kind in KINDS:
        engine = engine_for(kind.model, query)
        matched = kind.model.objects.published().filter(engine.condition())
        # the count is the number of the newest COUNT_CAP + 1 keys: read in the index's
        # order, they also bound the ranked range without reading the matches again
        newest = list(
            matched.order_by(_newest_first(engine)).values_list(engine.record_key, flat=True)[
                : COUNT_CAP + 1
            ]
        )
        count = len(newest)
        rows = _best(kind, engine, query, limit_per_kind, newest) if count else []
        for row in rows:
            row.title_html = marked_html(row.search_title)
            row.snippet_html = marked_html(_why(row))
        groups.append(ResultGroup(kind, count, rows))
    results = SearchResults(q, groups)
    if not results.found:
        results.suggestion = did_you_mean(query)
    return results
