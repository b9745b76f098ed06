"""What a user's search asks for, the same on every database.

User text is never handed to an engine as syntax: it is cut into words (letters and
digits only), and each engine builds its own query from those words, so quotes,
brackets, operators and stray symbols cannot make a search fail. Every word must match;
the last, if three letters or more, may also be the start of a longer word.
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MIN_PREFIX_LENGTH = 3  # "a*" would match half the vocabulary

_WORD = re.compile(r"[^\W_]+")


def terms(q: str) -> list[str]:
    """The words of a user's query, lower-cased, at most MAX_TERMS, symbols dropped."""
    text = unicodedata.normalize("NFKC", q or "")[: MAX_QUERY_LENGTH * 2]
    words = [word.lower()[:MAX_TERM_LENGTH] for word in _WORD.findall(text)]
    return list(dict.fromkeys(words))[:MAX_TERMS]


@dataclass(frozen=True)
class Query:
    """A parsed search: its words, every one of which must match."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, q: str) -> "Query":
        return cls(q or "", tuple(terms(q)))

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def last_is_prefix(self) -> bool:
        """The last word also matches longer words, unless it is too short to say much."""
        return len(self.words[-1]) >= MIN_PREFIX_LENGTH
