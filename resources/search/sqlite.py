"""Search on SQLite: FTS5, one table per kind of record (`resources/models/search.py`),
porter-stemmed, queried in FTS5's own query language built from the parsed words.

Each table's rowid is its record's id, so a record joins its index row directly
(`search_index`), and rowid order, which FTS5 reads without sorting, is the stable
order in which the first matches of a common word are taken.
"""

from django.db.models import F, FloatField, Func, Q, TextField
from django.db.models.expressions import RawSQL

from resources.models import SearchWord

from .highlight import SNIPPET_WORDS, START, STOP
from .query import Query, Term, closest

# bm25 weights of the entry's columns: title, byline, about, body (a title or an author
# counts most, the abstract least)
WEIGHTS = (10.0, 8.0, 3.0, 1.0)
TITLE, BYLINE, ABOUT, BODY = range(4)


def _phrase(words: tuple[str, ...], prefix: bool = False) -> str:
    """A quoted FTS5 phrase (words hold no quotes); its last word may be a prefix."""
    return f'"{" ".join(words)}"' + ("*" if prefix else "")


def _term(term: Term) -> str:
    phrases = [_phrase(term.own, term.prefix), *map(_phrase, term.phrases[1:])]
    return f"({' OR '.join(phrases)})"


def fts5_query(query: Query) -> str:
    """Every term, each in any of its forms."""
    return " AND ".join(_term(term) for term in query.terms)


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

    # FTS5's functions take the entry (the table's hidden column), then constants of ours
    # (the weights, a column's number, the markers), which are written into the function's
    # SQL: as Value()s, each was an expression of its own, resolved, compiled and compared
    # anew on every search.

    def rank(self):
        weights = ", ".join(map(str, WEIGHTS))
        return Func(
            self._document(),
            function="bm25",
            template=f"-%(function)s(%(expressions)s, {weights})",  # bm25: lower is better
            output_field=FloatField(),
        )

    def in_title(self, words: tuple[str, ...]) -> Q:
        """Records whose title holds these words as a phrase."""
        table = self.model._meta.get_field("search_index").related_model._meta.db_table
        return Q(
            pk__in=RawSQL(
                f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s',
                [f"title : {_phrase(words)}"],
            )
        )

    def marked(self, column: int):
        """A whole column, matches marked."""
        return Func(
            self._document(),
            function="highlight",
            template=f"%(function)s(%(expressions)s, {column}, '{START}', '{STOP}')",
            output_field=TextField(),
        )

    def title_marked(self):
        return self.marked(TITLE)

    def byline_marked(self):
        return self.marked(BYLINE)

    def about_marked(self):
        return self.marked(ABOUT)

    def snippet_marked(self):
        return Func(
            self._document(),
            function="snippet",
            template=(
                f"%(function)s(%(expressions)s, {BODY}, '{START}', '{STOP}', '…', {SNIPPET_WORDS})"
            ),
            output_field=TextField(),
        )


def similar_word(word: str) -> str | None:
    """The library's word nearest to `word` (`closest`) among words of the same first
    letter and about the same length, as a misspelling keeps those (one query)."""
    first = word[0]
    candidates = SearchWord.objects.filter(word__gte=first, word__lt=chr(ord(first) + 1))
    counts = {
        candidate: records
        for candidate, records in candidates.values_list("word", "records")
        if abs(len(candidate) - len(word)) <= 2 and candidate != word
    }
    return closest(word, counts)
