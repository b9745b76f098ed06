"""Search on PostgreSQL: the entries' stored tsvector (english configuration: stemmed),
a GIN index per kind of record (migrations 0021, 0026), ranked by ts_rank and highlighted
by ts_headline; the vocabulary's nearest word by pg_trgm's similarity. All through
django.contrib.postgres.
"""

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.db.models import F, Func, Q, TextField, Value

from resources.models import SearchWord

from .highlight import GT, LT, SNIPPET_WORDS, START, STOP
from .query import Query, Term, closest

# ts_rank weights for D (body), C (about), B (byline), A (title): a title or an author
# counts most, the abstract least
WEIGHTS = [0.1, 0.3, 0.8, 1.0]
CONFIG = "english"


def _phrase(words: tuple[str, ...], prefix: bool = False, weight: str = "") -> str:
    """Quoted words (which hold no quotes) that must come in order; to_tsquery stems each.
    The last may be a prefix; `weight` restricts every word to that part of the entry."""
    quoted = [f"'{word}'{':' + weight if weight else ''}" for word in words]
    if prefix:
        quoted[-1] = f"'{words[-1]}':*{weight}"
    return f"({' <-> '.join(quoted)})"


def _term(term: Term) -> str:
    phrases = [_phrase(term.own, term.prefix), *map(_phrase, term.phrases[1:])]
    return f"({' | '.join(phrases)})"


def tsquery(query: Query) -> str:
    """Every term, each in any of its forms, for to_tsquery."""
    return " & ".join(_term(term) for term in query.terms)


class _Translate(Func):
    function = "translate"
    output_field = TextField()


class Engine:
    """Match, rank (higher is better) and highlight one kind of record."""

    def __init__(self, model: type, query: Query):
        self.model = model
        self.query = query
        # the record's key as its entry holds it, so that a range of it is read from the
        # entries' own index (of that column) and not by joining every match first
        self.record_key = f"search_entry__{model._meta.model_name}"

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

    def in_title(self, words: tuple[str, ...]) -> Q:
        """Records whose title holds these words as a phrase (the title is weighted A)."""
        phrase = SearchQuery(_phrase(words, weight="A"), search_type="raw", config=CONFIG)
        return Q(search_entry__search_vector=phrase)

    def _headline(self, column: str, **options):
        # ts_headline treats < and > as markup and drops them: they travel as stand-ins
        text = _Translate(F(f"search_entry__{column}"), Value("<>"), Value(LT + GT))
        return SearchHeadline(
            text, self._query(), config=CONFIG, start_sel=START, stop_sel=STOP, **options
        )

    def title_marked(self):
        return self._headline("title", highlight_all=True)

    def byline_marked(self):
        return self._headline("byline", highlight_all=True)

    def about_marked(self):
        return self._headline("about", highlight_all=True)

    def snippet_marked(self):
        return self._headline(
            "body", max_words=SNIPPET_WORDS, min_words=12, max_fragments=2,
            fragment_delimiter=" … ",
        )  # fmt: skip


CANDIDATES = 10


def similar_word(word: str) -> str | None:
    """The library's word nearest to `word`: of the words at least pg_trgm's threshold
    similar (`%`, through the vocabulary's trigram index), the CANDIDATES most similar,
    and the nearest of them by spelling (one query).

    Trigrams alone prefer a shorter word ("mentor" to "mentoring" for "mentorng"), so the
    final choice is the one SQLite makes (`closest`)."""
    candidates = (
        SearchWord.objects.filter(word__trigram_similar=word)
        .exclude(word=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "-records", "word")
        .values_list("word", "records")[:CANDIDATES]
    )
    return closest(word, dict(candidates))
