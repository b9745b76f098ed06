"""What a user's search asks for, the same on every database.

User text is never handed to an engine as syntax: it is cut into words (letters and
digits only), and each engine builds its own query from those words, so quotes,
brackets, operators and stray symbols cannot make a search fail.

Every term must match, and a term matches in any of its forms:

- spelling variants of a compound: "anti-racism", "anti racism" and "antiracism" find
  each other (a hyphen, a space, or neither);
- word forms the engines' stemmers do not join ("curricula", "mentorship"; the stemmers
  already join "mentor", "mentors" and "mentoring"): `WORD_FORMS`;
- the curators' synonyms (`SynonymGroup`, edited in the admin): "resident" also finds
  "residency" and "postgraduate trainee". A synonym may be a phrase, and a phrase in the
  query may be a synonym.

The last word typed, if three letters or more, may also be the start of a longer word.
A query holding a DOI (bare, "doi:…" or a doi.org link) asks for that study alone.
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from resources.doi import normalise_doi

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MIN_PREFIX_LENGTH = 3  # "a*" would match half the vocabulary
MAX_SYNONYM_WORDS = 4  # the longest phrase of the query looked up as a synonym

_WORD = re.compile(r"[^\W_]+")
# a word, or words joined by hyphens ("anti-racism", "peer-to-peer")
_TOKEN = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*")
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"'<>]+")

# Prefixes written joined, hyphenated or apart ("antiracism", "anti-racism", "anti racism").
# A word is split after one only if at least MIN_SPLIT letters remain ("intervention" is
# not "inter vention"... and neither alternative harms: both are OR-ed with the word).
COMPOUND_PREFIXES = ("anti", "non", "post", "pre", "multi", "inter", "intra", "trans", "cross")
JOINED_PREFIXES = (*COMPOUND_PREFIXES, "co", "self", "e")  # also joined to the next word
MIN_SPLIT = 5

# Forms of a word that stemming does not bring together, searched as one another.
WORD_FORMS = (
    ("curriculum", "curricula"),
    ("criterion", "criteria"),
    ("phenomenon", "phenomena"),
    ("syllabus", "syllabi"),
    ("analysis", "analyses"),
    ("mentor", "mentoring", "mentorship"),
    ("apprentice", "apprenticeship"),
)


def terms(q: str) -> list[str]:
    """The words of a user's query, lower-cased, at most MAX_TERMS, symbols dropped."""
    return [word for token in _tokens(q) for word in token][:MAX_TERMS]


def _tokens(text: str) -> list[tuple[str, ...]]:
    """The query's words, a hyphenated compound as one token of its parts."""
    text = unicodedata.normalize("NFKC", text or "")[: MAX_QUERY_LENGTH * 2]
    tokens, seen = [], set()
    for match in _TOKEN.finditer(text):
        parts = tuple(word.lower()[:MAX_TERM_LENGTH] for word in _WORD.findall(match.group()))
        if parts not in seen:
            seen.add(parts)
            tokens.append(parts)
    return tokens


def _singular(word: str) -> str:
    """A rough singular, for looking a word up among the synonyms only."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _joined(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words with each compound prefix joined to the word after it."""
    out: list[str] = []
    for word in words:
        if out and out[-1] in JOINED_PREFIXES:
            out[-1] += word
        else:
            out.append(word)
    return tuple(out)


def _split(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words with each compound prefix split from the word it starts."""
    out: list[str] = []
    for word in words:
        prefix = next(
            (
                p
                for p in COMPOUND_PREFIXES
                if word.startswith(p) and len(word) - len(p) >= MIN_SPLIT
            ),
            None,
        )
        out.extend((prefix, word[len(prefix) :]) if prefix else (word,))
    return tuple(out)


def spellings(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A phrase as written, with its compounds joined, and with them apart."""
    return {words, _joined(words), _split(_joined(words))}


def key(words: Iterable[str]) -> tuple[str, ...]:
    """What a word or phrase is looked up by among the synonyms."""
    return tuple(_singular(word) for word in _joined(tuple(words)))


class Synonyms:
    """Groups of words and phrases that find each other, looked up by `key`."""

    def __init__(self, groups: Iterable[Iterable[str]], base: "Synonyms | None" = None):
        """`groups`, added to those of `base`."""
        self._groups: dict[tuple[str, ...], frozenset[tuple[str, ...]]] = (
            dict(base._groups) if base else {}
        )
        for group in groups:
            phrases = {tuple(terms(phrase)) for phrase in group} - {()}
            found = frozenset().union(*(spellings(phrase) for phrase in phrases))
            for phrase in phrases:
                phrase_key = key(phrase)
                self._groups[phrase_key] = self._groups.get(phrase_key, frozenset()) | found

    def of(self, words: tuple[str, ...]) -> frozenset[tuple[str, ...]] | None:
        return self._groups.get(key(words))


BUILT_IN = Synonyms(WORD_FORMS)


def curated_synonyms() -> Synonyms:
    """The word forms (`BUILT_IN`, read once) and the curators' synonym groups (one
    query)."""
    from resources.models import SynonymGroup

    return Synonyms([group.term_list() for group in SynonymGroup.objects.all()], BUILT_IN)


@dataclass(frozen=True)
class Term:
    """One thing the query asks for: `own`, the words as typed, or any `alternatives`
    (each a phrase: words that must come together). `prefix`: the last of `own` may be
    the start of a longer word."""

    own: tuple[str, ...]
    alternatives: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    prefix: bool = False

    @property
    def phrases(self) -> list[tuple[str, ...]]:
        """Every phrase, `own` first, the rest in a stable order."""
        return [self.own, *sorted(self.alternatives - {self.own})]


def _doi(text: str) -> str:
    match = _DOI.search(normalise_doi(text))
    return match.group().rstrip(".,;:)]}").lower() if match else ""


@dataclass(frozen=True)
class Query:
    """A parsed search: terms that must all match, or a DOI."""

    text: str
    terms: tuple[Term, ...]
    doi: str = ""

    @classmethod
    def parse(cls, q: str, synonyms: Synonyms = BUILT_IN) -> "Query":
        text = q or ""
        doi = _doi(text)
        if doi:
            return cls(text, (), doi)
        tokens = _tokens(text)
        found: list[Term] = []
        position = 0  # the first token not yet in a term
        while position < len(tokens):
            for length in range(min(MAX_SYNONYM_WORDS, len(tokens) - position), 0, -1):
                own = tuple(
                    word for token in tokens[position : position + length] for word in token
                )
                group = synonyms.of(own)
                compound = length > 1 and len(_joined(own)) == 1  # "anti racism"
                if group is not None or compound or length == 1:
                    found.append(Term(own, frozenset(group or ()) | spellings(own)))
                    position += length
                    break
        kept, count = [], 0
        for term in found:  # at most MAX_TERMS words, as typed
            count += len(term.own)
            if count > MAX_TERMS:
                break
            kept.append(term)
        if kept and len(kept[-1].own[-1]) >= MIN_PREFIX_LENGTH:
            last = kept[-1]
            kept[-1] = Term(last.own, last.alternatives, prefix=True)
        return cls(text, tuple(kept))

    def __bool__(self) -> bool:
        return bool(self.terms or self.doi)

    @property
    def words(self) -> tuple[str, ...]:
        """The words as typed."""
        return tuple(word for term in self.terms for word in term.own)

    @property
    def typed(self) -> str:
        """The words as typed, joined by spaces: what a title or a name is compared with."""
        return " ".join(self.words)


SIMILARITY = 0.75  # difflib's ratio: "mentorng" is 0.94 from "mentoring", 0.86 from "mentor"


def closest(word: str, candidates: dict[str, int]) -> str | None:
    """The candidate spelt most like `word` (difflib's ratio, at least SIMILARITY); a tie
    goes to the word in more records (`candidates`' values), then the first in order."""
    ratio = {
        candidate: difflib.SequenceMatcher(None, word, candidate).ratio()
        for candidate in candidates
    }
    near = [candidate for candidate, value in ratio.items() if value >= SIMILARITY]
    return min(near, key=lambda c: (-ratio[c], -candidates[c], c), default=None)
