"""Search across the library with the database's own full-text engine.

The index (`SearchEntry`, see `resources/models/search.py`) holds one entry per published
study, intervention, recommendation and topic. `reindex(instance)` and `reindex_all()` are
its only write path: the seed loader and the admin call them after they change a record.
Results are always drawn from `.published()` querysets, joined to the index, so the index
never decides what the public may see.

User text is never handed to the engine as syntax: it is cut into words, and the engine's
query is built from those words (every word must match; the last, if three letters or
more, may be the start of a longer word), so quotes, brackets, operators and stray symbols
cannot make a search fail.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections, transaction
from django.db.models import F, FloatField, Func, Q, QuerySet, TextField, Value
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from resources.models import Intervention, Recommendation, SearchEntry, Study, Topic

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MIN_PREFIX_LENGTH = 3  # "a*" would match half the vocabulary
COUNT_CAP = 1000
RESULTS_PER_KIND = 10

# Private-use characters: stripped from indexed text, so in the engine's output they can
# only be the engine's highlight markers (or, on PostgreSQL, stand-ins for < and >, which
# ts_headline would otherwise treat as markup and drop).
START, STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
_PRIVATE = {ord(c): None for c in (START, STOP, LT, GT)} | {0: None}
_RESTORE = {ord(LT): "<", ord(GT): ">"}
_WORD = re.compile(r"[^\W_]+")

TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # SQLite bm25 column weights: a title match counts most
POSTGRES_WEIGHTS = [0.0, 0.0, 0.2, 1.0]  # ts_rank weights for D, C, B (body), A (title)
SNIPPET_WORDS = 28


@dataclass(frozen=True)
class Kind:
    key: str  # "studies"
    label: str  # "Studies"
    model: type
    entry_field: str  # SearchEntry's link to the model
    list_url_name: str  # the filtered list that shows every match

    @property
    def list_url(self) -> str:
        return reverse(self.list_url_name)

    def title_of(self, obj) -> str:
        return obj.name if self.model in (Intervention, Topic) else obj.title

    def body_of(self, obj) -> str:
        if self.model is Study:
            parts = [obj.abstract, obj.key_findings, *(f.statement for f in obj.findings.all())]
        elif self.model is Intervention:
            parts = [obj.summary, obj.how_it_works]
        elif self.model is Recommendation:
            parts = [obj.statement, obj.rationale]
        else:
            parts = [obj.description]
        return "\n\n".join(part for part in parts if part)

    def to_index(self) -> QuerySet:
        """The published records of this kind, with what their text is built from."""
        queryset = self.model.objects.published()
        return queryset.prefetch_related("findings") if self.model is Study else queryset

    def for_results(self) -> QuerySet:
        """The published records as a result line shows them."""
        queryset = self.model.objects.published()
        if self.model is Study:
            return queryset.prefetch_related("authors")
        if self.model is Intervention:
            return queryset.with_published_links()
        return queryset


KINDS = (
    Kind("studies", "Studies", Study, "study", "resources:study-list"),
    Kind(
        "interventions",
        "Interventions",
        Intervention,
        "intervention",
        "resources:intervention-list",
    ),
    Kind(
        "recommendations",
        "Recommendations",
        Recommendation,
        "recommendation",
        "resources:recommendation-list",
    ),
    Kind("topics", "Topics", Topic, "topic", "resources:topic-list"),
)
KIND_BY_MODEL = {kind.model: kind for kind in KINDS}


# Query parsing ------------------------------------------------------------------------


def terms(q: str) -> list[str]:
    """The words of a user's query, lower-cased, at most MAX_TERMS, symbols dropped."""
    text = unicodedata.normalize("NFKC", q or "")[: MAX_QUERY_LENGTH * 2]
    words = [word.lower()[:MAX_TERM_LENGTH] for word in _WORD.findall(text)]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _as_prefix(word: str) -> bool:
    """The last word also matches longer words, unless it is too short to say much."""
    return len(word) >= MIN_PREFIX_LENGTH


def fts5_query(words: list[str]) -> str:
    """Each word a quoted FTS5 string (words hold no quotes); the last may be a prefix."""
    quoted = [f'"{word}"' for word in words]
    if _as_prefix(words[-1]):
        quoted[-1] += "*"
    return " AND ".join(quoted)


def tsquery(words: list[str]) -> str:
    """The same query for PostgreSQL's to_tsquery: quoted lexemes, the last may be a prefix."""
    quoted = [f"'{word}'" for word in words]
    if _as_prefix(words[-1]):
        quoted[-1] += ":*"
    return " & ".join(quoted)


# The engines -------------------------------------------------------------------------


class _Engine:
    """Match, rank (higher is better) and highlight over a model's `search_entry`."""

    def __init__(self, words: list[str], prefix: str = "search_entry__"):
        self.words = words
        self.prefix = prefix


class _SQLite(_Engine):
    def _document(self):
        return F(f"{self.prefix}fts__document")

    def condition(self):
        return Q(**{f"{self.prefix}fts__document__match": fts5_query(self.words)})

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


class _Translate(Func):
    function = "translate"
    output_field = TextField()


class _PostgreSQL(_Engine):
    def _query(self):
        return SearchQuery(tsquery(self.words), search_type="raw", config="english")

    def _vector(self):
        return F(f"{self.prefix}search_vector")

    def condition(self):
        return Q(**{f"{self.prefix}search_vector": self._query()})

    def rank(self):
        return SearchRank(self._vector(), self._query(), weights=POSTGRES_WEIGHTS)

    def _headline(self, column: str, **options):
        text = _Translate(F(f"{self.prefix}{column}"), Value("<>"), Value(LT + GT))
        return SearchHeadline(
            text, self._query(), config="english", start_sel=START, stop_sel=STOP, **options
        )

    def title_marked(self):
        return self._headline("title", highlight_all=True)

    def snippet_marked(self):
        return self._headline(
            "body", max_words=SNIPPET_WORDS, min_words=12, max_fragments=2,
            fragment_delimiter=" … ",
        )  # fmt: skip


def _engine(using: str, words: list[str]) -> _Engine:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return _PostgreSQL(words)
    if vendor == "sqlite":
        return _SQLite(words)
    raise NotImplementedError(f"Full-text search is not set up for {vendor}.")


# Highlighting ------------------------------------------------------------------------


def marked_html(text: str | None) -> SafeString:
    """The engine's marked text as HTML: every piece of text escaped, matches in <mark>."""
    html, open_mark = [], False
    for piece in re.split(f"([{START}{STOP}])", text or ""):
        if piece == START and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif piece == STOP and open_mark:
            html.append("</mark>")
            open_mark = False
        elif piece not in (START, STOP):
            html.append(escape(piece.translate(_RESTORE)))
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))  # built above from escaped pieces and <mark> only


# Filtering a list --------------------------------------------------------------------


def matching(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of `queryset` that match `q`, best first as `search_rank`.

    A filter like any other (an inner join to the row's one index entry, so no row comes
    twice), and callers may order afterwards: an explicit sort wins. Only indexed, that is
    published, records can match; a query with no words matches nothing.
    """
    words = terms(q)
    if not words:
        return queryset.none()
    engine = _engine(queryset.db, words)
    return (
        queryset.filter(engine.condition())
        .annotate(search_rank=engine.rank())
        .order_by("-search_rank", "pk")
    )


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


def search_all(q: str, limit_per_kind: int = RESULTS_PER_KIND) -> SearchResults:
    """The best published matches of every kind, with counts and highlighted text.

    Two queries a kind, whatever the data: the top results (ranked, then highlighted,
    which is done for those rows only), and a count that stops at COUNT_CAP + 1. Result
    lines may add one prefetch a kind (authors, study links).
    """
    words = terms(q)
    if not words:
        return SearchResults(q, [])
    groups = []
    for kind in KINDS:
        engine = _engine(kind.model.objects.db, words)
        matched = kind.model.objects.published().filter(engine.condition())
        best = matched.annotate(search_rank=engine.rank()).order_by("-search_rank", "pk")
        rows = list(
            kind.for_results()
            .filter(engine.condition(), pk__in=best.values("pk")[:limit_per_kind])
            .annotate(
                search_rank=engine.rank(),
                search_title=engine.title_marked(),
                search_snippet=engine.snippet_marked(),
            )
            .order_by("-search_rank", "pk")
        )
        for row in rows:
            row.title_html = marked_html(row.search_title)
            row.snippet_html = marked_html(row.search_snippet)
        count = matched.order_by()[: COUNT_CAP + 1].count()
        groups.append(ResultGroup(kind, count, rows))
    return SearchResults(q, groups)


# Keeping the index in step -----------------------------------------------------------


def _clean(text: str) -> str:
    return (text or "").translate(_PRIVATE)


def _entry_values(kind: Kind, obj) -> dict:
    return {"title": _clean(kind.title_of(obj)), "body": _clean(kind.body_of(obj))}


def reindex(instance) -> None:
    """Bring `instance`'s entry in step: written if it is published, removed if not.

    Call after every change to a record or to what its text is built from (a study's
    findings), once its related rows are saved.
    """
    if instance.pk is None:  # deleted: its entry went with it
        return
    kind = KIND_BY_MODEL[type(instance)]
    entry = {f"{kind.entry_field}_id": instance.pk}
    obj = kind.to_index().filter(pk=instance.pk).first()
    if obj is None:
        SearchEntry.objects.filter(**entry).delete()
    else:
        SearchEntry.objects.update_or_create(**entry, defaults=_entry_values(kind, obj))


@transaction.atomic
def reindex_all() -> None:
    """Rebuild the whole index from the published records."""
    SearchEntry.objects.all().delete()
    for kind in KINDS:
        SearchEntry.objects.bulk_create(
            SearchEntry(**{kind.entry_field: obj}, **_entry_values(kind, obj))
            for obj in kind.to_index().iterator(chunk_size=500)
        )
    _refresh_sqlite_statistics()


def _refresh_sqlite_statistics() -> None:
    """Give SQLite's planner row counts for the searched tables.

    Without them it guesses that few records are published and runs the full-text match
    once per record instead of once per search (seconds rather than milliseconds on a large
    library). PostgreSQL keeps its own statistics.
    """
    connection = connections[SearchEntry.objects.db]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model in (SearchEntry, *(kind.model for kind in KINDS)):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
