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

Work is bounded however common the words are. Every match costs the same to score, so
ranking every record that mentions "learners" (nine in ten, in a large library) took more
than a second. Instead counts stop at COUNT_CAP + 1 ("more than 1,000"), and when more
than RANKED records match, the first RANKED in the index's own cheap order are the ones
ranked (see `_Engine.first`, and `matching` for lists).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from resources.models import Intervention, Recommendation, SearchEntry, Study, Topic

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MIN_PREFIX_LENGTH = 3  # "a*" would match half the vocabulary
COUNT_CAP = 1000
RANKED = 200  # when more match, only this many are scored (see the module docstring)
RESULTS_PER_KIND = 10

# Private-use characters: stripped from indexed text, so in the engine's output they can
# only be the engine's highlight markers (or, on PostgreSQL, stand-ins for < and >, which
# ts_headline would otherwise treat as markup and drop).
START, STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
# Stands in for a user's words in the SQL compiled once for every search (`_first_statement`,
# `_lines_statement`); `terms()` keeps letters and digits only, so no query holds it.
STAND_IN = "\ue004"
_PRIVATE = {ord(c): None for c in (START, STOP, LT, GT)} | {0: None}
_WORD = re.compile(r"[^\W_]+")
_MARKER = re.compile(f"[{START}{STOP}]")

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
            return queryset.for_rows()
        return queryset  # an intervention's row holds its card's evidence counts


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


def fts5_query(words: list[str], prefix: bool = True) -> str:
    """Each word a quoted FTS5 string (words hold no quotes); the last may be a prefix."""
    quoted = [f'"{word}"' for word in words]
    if prefix and _as_prefix(words[-1]):
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
    """Match (`condition`), rank (`rank`, higher is better) and highlight one kind of record,
    and the bounded work built on them: `first`, `common`, `newest`, `among`.

    `bounded` is for the search page, where only the best few and a capped count are
    shown; `matching()` leaves it off, since a list must hold every match.
    """

    def __init__(self, model: type, words: list[str], bounded: bool = False):
        self.model = model
        self.words = words
        self.bounded = bounded

    def first(self, limit: int) -> tuple[int, list]:
        """How many published records match, counted up to COUNT_CAP + 1, and the pks of
        their best `limit`, best first, from among the first RANKED in the engine's cheap
        order.

        One query. Below RANKED matches the ranking is exact; above, a better match outside
        the first RANKED is missed: the trade that keeps a common word as fast as a rare one.
        Its SQL is compiled once per kind and shape of query (`_first_statement`), with
        this search's own query strings in place of the stand-in words'.
        """
        prefix = _as_prefix(self.words[-1])
        statement = (type(self), self.model, self.bounded, prefix, COUNT_CAP, RANKED)
        sql, params = _first_statement(*statement)
        with connections[self.model.objects.db].cursor() as cursor:
            cursor.execute(sql, [*self._own(params, prefix), limit])
            rows = cursor.fetchall()
        count = next(int(total) for pk, total in rows if pk is None)
        return count, [pk for pk, _ in rows if pk is not None]

    def result_lines(self, kind: Kind, best: list) -> list:
        """`kind`'s records `best` (pks), in that order, each with its marked title and
        snippet as `search_title` and `search_snippet`.

        One query, and any prefetch of `kind.for_results()`; its SQL is compiled once per
        kind, shape of query and number of records (`_lines_statement`).
        """
        prefix = _as_prefix(self.words[-1])
        sql, params, lookups = _lines_statement(type(self), kind, prefix, len(best), COUNT_CAP)
        lines = kind.model.objects.raw(sql, self._own(params, prefix, best))
        place = {pk: index for index, pk in enumerate(best)}
        return sorted(lines.prefetch_related(*lookups), key=lambda line: place[line.pk])

    def _own(self, params, prefix: bool, pks=()) -> list:
        """A compiled statement's parameters with this search's query strings, and `pks`,
        where the stand-ins' were (stand-in and real pks matched in ascending order, so a
        range of them keeps its bounds)."""
        own = dict(
            zip(self.query_strings(_stand_in(prefix)), self.query_strings(self.words), strict=True)
        )
        own.update(zip(_stand_in_pks(len(pks)), sorted(pks), strict=True))
        return [
            own.get(param, param) if isinstance(param, (str, int)) else param for param in params
        ]

    def first_sql(self, matched: QuerySet) -> tuple[str, list]:
        """`first`'s query over `matched`, but the number of best to return (a parameter)."""
        raise NotImplementedError

    def query_strings(self, words: list[str]) -> list[str]:
        """The engine's query strings for `words`: the parameters a search's words become."""
        raise NotImplementedError


# Statements compiled once ------------------------------------------------------------
#
# Only the words (and the records shown) change from one search to the next, yet building
# and compiling the search page's querysets took a fifth of its time (7 ms of four kinds
# at 100,000 studies on SQLite). So each statement is compiled once from stand-ins, and
# `_Engine._own` puts each search's own values where the stand-ins' were. The stand-ins
# must come out as whole parameters, which `_checked` makes sure of when compiling.


def _stand_in(prefix: bool) -> list[str]:
    """A word that makes the same shape of query as a user's last word, and nothing else."""
    return [STAND_IN * (MIN_PREFIX_LENGTH if prefix else 1)]


def _stand_in_pks(count: int) -> list[int]:
    """`count` pks, ascending, that no record has."""
    return [-(10**12) + position for position in range(count)]


def _checked(sql: str, params: list, stand_ins: list) -> tuple[str, tuple]:
    """The statement, once sure each stand-in is a whole parameter and nowhere else."""
    values = {param for param in params if isinstance(param, (str, int))}
    words = {param for param in values if isinstance(param, str)} - set(stand_ins)
    if (
        STAND_IN in sql
        or any(str(stand_in) in sql for stand_in in stand_ins)
        or not set(stand_ins) <= values
        or any(STAND_IN in word for word in words)
    ):
        raise RuntimeError(f"The stand-ins are not whole parameters of: {sql}")
    return sql, tuple(params)


@cache
def _first_statement(engine_class, model, bounded: bool, prefix: bool, cap: int, ranked: int):
    """`first`'s SQL and parameters (`cap` and `ranked`: the COUNT_CAP and RANKED it is
    compiled under, which tests change)."""
    engine = engine_class(model, _stand_in(prefix), bounded)
    sql, params = engine.first_sql(model.objects.published().filter(engine.condition()))
    return _checked(sql, params, engine.query_strings(engine.words))


@cache
def _lines_statement(engine_class, kind: Kind, prefix: bool, count: int, cap: int):
    """`result_lines`' SQL and parameters for `count` records (`cap`: the COUNT_CAP it is
    compiled under), and `kind.for_results()`'s prefetches."""
    engine = engine_class(kind.model, _stand_in(prefix), bounded=True)
    pks = _stand_in_pks(count)
    lines = (
        kind.for_results()
        .filter(engine.condition(), engine.among(pks))
        .annotate(search_title=engine.title_marked(), search_snippet=engine.snippet_marked())
        .order_by()
    )
    sql, params = _sql(lines)
    stand_ins = [*engine.query_strings(engine.words), *pks]
    # a raw query takes the prefetches, which for_results() is the one place to say
    return *_checked(sql, params, stand_ins), lines._prefetch_related_lookups


def _sql(queryset: QuerySet) -> tuple[str, list]:
    """A queryset's SQL, for a statement compiled once; built by the ORM from `.published()`."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, list(params)


class _SQLite(_Engine):
    """FTS5, one table per kind; the cheap order is the index's rowid, newest records first."""

    def _document(self):
        return F("search_index__document")

    def _indexed(self) -> str:
        """SQL for how many index rows match an FTS5 query (one parameter), to COUNT_CAP + 1."""
        table = self.model._meta.get_field("search_index").related_model._meta.db_table
        return (
            f'(SELECT COUNT(*) FROM (SELECT 1 FROM "{table}" WHERE "{table}" MATCH %s '
            f"LIMIT {COUNT_CAP + 1}))"
        )

    def _query(self):
        """The FTS5 query; when bounded, the last word taken whole if that alone is common.

        FTS5 gathers every indexed word that starts with a prefix, and all their matches,
        on each query that uses it: for "learners*" among a hundred thousand studies that
        is a few milliseconds, three times a search. When the words with the last one whole
        already match more than COUNT_CAP records, the count reads "more than 1,000" either
        way and the first RANKED come from those records: longer words that merely start
        with the last one are not looked for. Decided in the query itself, by a count that
        stops at COUNT_CAP + 1.
        """
        query = fts5_query(self.words)
        whole = fts5_query(self.words, prefix=False)
        if not self.bounded or whole == query:
            return query
        common = RawSQL(self._indexed(), (whole,), output_field=IntegerField())
        return Case(
            When(GreaterThan(common, COUNT_CAP), then=Value(whole)),
            default=Value(query),
            output_field=TextField(),
        )

    def common(self, matched):
        """Whether the index holds more than COUNT_CAP matches (the whole last word is asked
        first: when it alone is that common, no prefix needs gathering)."""
        whole, query = fts5_query(self.words, prefix=False), fts5_query(self.words)
        sql = (
            f"SELECT CASE WHEN {self._indexed()} > {COUNT_CAP} THEN 1 "
            f"ELSE {self._indexed()} > {COUNT_CAP} END"
        )
        with connections[matched.db].cursor() as cursor:
            cursor.execute(sql, [whole, query])
            return bool(cursor.fetchone()[0])

    def condition(self):
        return Q(search_index__document__match=self._query())

    def rank(self):
        return Func(
            self._document(),
            Value(TITLE_WEIGHT),
            Value(BODY_WEIGHT),
            function="bm25",
            template="-%(function)s(%(expressions)s)",  # bm25: lower is better
            output_field=FloatField(),
        )

    def newest(self):
        """The index's own order, which FTS5 reads without sorting: the rowid is the pk."""
        return F("search_index__pk").desc()

    def query_strings(self, words):
        return [fts5_query(words), fts5_query(words, prefix=False)]

    def first_sql(self, matched):
        # counted in the index's own order too: unordered, SQLite walks a small table (a
        # thousand interventions) and runs the MATCH once per row, ten times slower
        counted, count_params = _sql(matched.order_by(self.newest()).values("pk")[: COUNT_CAP + 1])
        ranked, rank_params = _sql(
            matched.annotate(search_rank=self.rank())
            .order_by(self.newest())
            .values_list("pk", "search_rank")[:RANKED]
        )
        sql = (
            f"SELECT NULL, COUNT(*) FROM ({counted}) counted UNION ALL "
            f"SELECT * FROM (SELECT * FROM ({ranked}) ranked ORDER BY 2 DESC, 1 LIMIT %s) best"
        )
        return sql, [*count_params, *rank_params]

    def among(self, pks: list) -> Q:
        """These records, found by one pass over the index rather than one query each.

        With `pk__in` alone SQLite looks each record up in the index with its own MATCH,
        and every MATCH gathers a prefix's matches anew; a range of rowids keeps it to one.
        """
        if not pks:
            return Q(pk__in=[])
        return Q(pk__in=pks, search_index__pk__gte=min(pks), search_index__pk__lte=max(pks))

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
    """A GIN index on the entries' tsvector; the cheap order is the order rows are stored in.

    A common word is read by a sequential scan, whose order is the storage order only
    because settings.py turns PostgreSQL's synchronised scans off; with them on, each
    request ranked a different first RANKED.
    """

    def _query(self):
        return SearchQuery(tsquery(self.words), search_type="raw", config="english")

    def _vector(self):
        return F("search_entry__search_vector")

    def condition(self):
        """Matching entries of this kind: naming the kind lets PostgreSQL read the kind's
        own GIN index (migration 0021) rather than every entry of a small kind."""
        kind = self.model._meta.model_name
        return Q(
            search_entry__search_vector=self._query(), **{f"search_entry__{kind}__isnull": False}
        )

    def rank(self):
        return SearchRank(self._vector(), self._query(), weights=POSTGRES_WEIGHTS)

    def newest(self):
        """Newest records first: the records' own index, checked against the entries."""
        return F("pk").desc()

    def common(self, matched):
        """Whether more than COUNT_CAP records match."""
        return matched.order_by()[: COUNT_CAP + 1].count() > COUNT_CAP

    def query_strings(self, words):
        return [tsquery(words)]

    def first_sql(self, matched):
        found, params = _sql(
            matched.order_by().values_list("pk", "search_entry__search_vector")[: COUNT_CAP + 1]
        )
        # the matches are read once, and only the first RANKED of them are scored
        sql = (
            f"WITH found (pk, vector) AS MATERIALIZED ({found}) "
            "SELECT NULL, COUNT(*) FROM found UNION ALL "
            "SELECT * FROM (SELECT pk, ts_rank(%s::float4[], vector, to_tsquery(%s::regconfig, %s))"
            " FROM (SELECT * FROM found LIMIT %s) ranked ORDER BY 2 DESC, 1 LIMIT %s) best"
        )
        return sql, [*params, POSTGRES_WEIGHTS, "english", tsquery(self.words), RANKED]

    def among(self, pks: list) -> Q:
        return Q(pk__in=pks)

    def _headline(self, column: str, **options):
        text = _Translate(F(f"search_entry__{column}"), Value("<>"), Value(LT + GT))
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


def _engine(model: type, using: str, words: list[str], bounded: bool = False) -> _Engine:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return _PostgreSQL(model, words, bounded)
    if vendor == "sqlite":
        return _SQLite(model, words, bounded)
    raise NotImplementedError(f"Full-text search is not set up for {vendor}.")


# Highlighting ------------------------------------------------------------------------


def marked_html(text: str | None) -> SafeString:
    """The engine's marked text as HTML: every piece of text escaped, matches in <mark>.

    The text is escaped whole (the markers are not characters escaping touches), then each
    marker becomes a tag only where it opens or closes a mark: a stray one is dropped.
    """
    open_mark = False

    def tag(marker: re.Match) -> str:
        nonlocal open_mark
        opens = marker.group() == START
        if opens == open_mark:
            return ""
        open_mark = opens
        return "<mark>" if opens else "</mark>"

    restored = (text or "").replace(LT, "<").replace(GT, ">")  # faster than translate()
    html = _MARKER.sub(tag, escape(restored))
    return mark_safe(html + ("</mark>" if open_mark else ""))  # escaped text and <mark> only


# Filtering a list --------------------------------------------------------------------


def matching(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of `queryset` that match `q`, best first as `search_rank`.

    A filter like any other (an inner join to the row's one index entry, so no row comes
    twice), and callers may order afterwards: an explicit sort wins. Only indexed, that is
    published, records can match; a query with no words matches nothing.

    "Best first" has a bound: when more than COUNT_CAP records match, scoring them all to
    sort them is what made a list of a common word take a second, so they come newest
    first instead (the index's own order, read without sorting) and without a
    `search_rank`. Choosing costs one count that stops at COUNT_CAP + 1.
    """
    words = terms(q)
    if not words:
        return queryset.none()
    engine = _engine(queryset.model, queryset.db, words)
    matched = queryset.filter(engine.condition())
    if engine.common(matched):
        return matched.order_by(engine.newest())
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


def search_all(q: str, limit_per_kind: int = RESULTS_PER_KIND) -> SearchResults:
    """The best published matches of every kind, with counts and highlighted text.

    Two queries a kind, whatever the data: the count, which stops at COUNT_CAP + 1, with
    the best of the first RANKED matches (`_Engine.first`); then those best few as result
    lines, highlighted (done for those rows only), in that order. Result lines may add one
    query a kind (studies' authors, interventions' studies counted by design).
    """
    words = terms(q)
    if not words:
        return SearchResults(q, [])
    groups = []
    for kind in KINDS:
        engine = _engine(kind.model, kind.model.objects.db, words, bounded=True)
        count, best = engine.first(limit_per_kind)
        rows = engine.result_lines(kind, best) if best else []
        for row in rows:
            row.title_html = marked_html(row.search_title)
            row.snippet_html = marked_html(row.search_snippet)
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
    """Give SQLite's planner row counts for every table, after a bulk change.

    Without them it guesses: it ran the full-text match once per record instead of once
    per search, and walked all 100,000 published studies to find a page's recommendation
    evidence rather than the other way round (seconds rather than milliseconds on a large
    library). PostgreSQL keeps its own statistics.
    """
    connection = connections[SearchEntry.objects.db]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
