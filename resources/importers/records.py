"""What every importer produces: one normalised `ParsedRecord` per reference in a file."""

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from resources.doi import normalise_doi

YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
NO_TITLE = "it has no title"


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong encoding, no records, not the format)."""


@dataclass(frozen=True)
class Author:
    family: str = ""
    given: str = ""
    literal: str = ""  # an organisation, or a name that does not split

    @property
    def display(self) -> str:
        return self.literal or f"{self.family} {self.given}".strip()


@dataclass
class ParsedRecord:
    number: int  # 1-based position among the file's records
    line: int | None = None  # 1-based line where the record starts, where the format has lines
    title: str = ""
    authors: list[Author] = field(default_factory=list)
    year: int | None = None
    publication_date: str = ""  # ISO yyyy-mm-dd, only when the source gives a full date
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    abstract: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How reports name the record: its number, and its line where known."""
        return f"record {self.number}" + (f" (line {self.line})" if self.line else "")

    @property
    def first_author_family(self) -> str:
        if not self.authors:
            return ""
        first = self.authors[0]
        return first.family or first.literal

    def finish(self) -> "ParsedRecord":
        """Tidy every field and note what makes the record unusable."""
        self.title = clean_text(self.title).rstrip(".")
        self.journal = clean_text(self.journal)
        self.abstract = clean_text(self.abstract, keep_paragraphs=True)
        for name in ("volume", "issue", "pages", "url"):
            setattr(self, name, clean_text(getattr(self, name)))
        self.pages = self.pages.replace("--", "-").replace("\u2013", "-")
        self.doi = normalise_doi(self.doi)
        if not self.title:
            self.problems.append(NO_TITLE)
        return self


@dataclass
class ParsedFile:
    file_name: str
    format: str  # "RIS", "BibTeX", "CSL-JSON", "Crossref JSON"
    records: list[ParsedRecord]
    # problems of the file rather than of one record, e.g. a block that is no record at all
    problems: list[str] = field(default_factory=list)


@dataclass
class RecordSource:
    """A file's records, to be read once, in order: lazily where the format allows it.

    `read(problem)` yields each record as it is read, and tells `problem` of the file's
    own problems (text that is no record) as it meets them. `expected` is how many
    records the file announces, for a progress bar: a count, not a promise.
    """

    file_name: str
    format: str
    expected: int
    read: Callable[[Callable[[str], object]], Iterator[ParsedRecord]]

    @classmethod
    def of(cls, parsed: ParsedFile) -> "RecordSource":
        """The records of a file already read whole."""

        def read(problem: Callable[[str], object]) -> Iterator[ParsedRecord]:
            for file_problem in parsed.problems:
                problem(file_problem)
            yield from parsed.records

        return cls(parsed.file_name, parsed.format, len(parsed.records), read)


def clean_text(value, keep_paragraphs: bool = False) -> str:
    """Plain text from what exports carry: HTML/JATS tags, entities, stray whitespace."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = html.unescape(_TAG.sub(" " if not keep_paragraphs else "\n", str(value)))
    if keep_paragraphs:
        paragraphs = (_SPACE.sub(" ", part).strip() for part in text.split("\n"))
        return "\n".join(part for part in paragraphs if part)
    return _SPACE.sub(" ", text).strip()


def parse_year(value, record: ParsedRecord) -> int | None:
    """A four-digit year from a date string; a problem on the record when there is none."""
    if value in (None, ""):
        return None
    match = YEAR.search(str(value))
    if not match:
        record.problems.append(f"its year “{value}” is not a year")
        return None
    return int(match.group(1))


def iso_date(year, month=None, day=None) -> str:
    try:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}" if month and day else ""
    except (TypeError, ValueError):
        return ""


def page_range(start: str, end: str) -> str:
    start, end = clean_text(start), clean_text(end)
    return f"{start}-{end}" if start and end else start or end
