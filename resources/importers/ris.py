"""RIS (Zotero, EndNote, Mendeley exports), read through rispy one record at a time.

rispy is forgiving: it silently drops a record without `TY` or `ER` and folds a stray
line into the field above. The file is therefore cut into records here first, so that a
record that does not open or close properly is reported with its line instead of lost.
Cutting it here also lets a file of any size be read line by line, a record at a time:
rispy has no iterator interface (its `load` returns every record of a file at once).
"""

import re
from collections.abc import Callable, Iterable, Iterator

import rispy

from .records import Author, ParsedFile, ParsedRecord, iso_date, page_range, parse_year

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def parse(text: str, file_name: str) -> ParsedFile:
    problems: list[str] = []
    records = list(read(text.splitlines(), problems.append))
    return ParsedFile(file_name, "RIS", records, problems)


def read(lines: Iterable[str], problem: Callable[[str], object]) -> Iterator[ParsedRecord]:
    """Each record of RIS text given line by line, as soon as it ends.

    `problem` hears, with its line, of text that belongs to no record: the file's own
    problems rather than a record's.
    """
    count = 0
    current: list[str] | None = None
    start = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        match = TAG_LINE.match(line)
        tag = match.group(1) if match else None
        if tag == "TY":
            if current is not None:
                count += 1
                ending = f"it has no ER line; the next record starts on line {number}"
                yield _close(count, current, start, ending)
            current, start = [line], number
        elif tag == "ER":
            if current is None:
                problem(f"line {number}: an ER line with no record open")
            else:
                count += 1
                yield _close(count, current, start)
                current = None
        elif current is not None:
            current.append(line)
        elif line.strip():
            problem(f"line {number}: text outside a record (a record starts with TY)")
    if current is not None:
        yield _close(count + 1, current, start, "the file ends before its ER line")


def _close(number: int, lines: list[str], line: int, problem: str | None = None) -> ParsedRecord:
    record = ParsedRecord(number=number, line=line)
    if problem:
        record.problems.append(problem)
    try:
        (entry,) = rispy.loads("\n".join([*lines, "ER  - "])) or [{}]
    except (ValueError, KeyError) as error:
        record.problems.append(f"rispy cannot read it: {error}")
        entry = {}
    return _record(entry, record).finish()


def _record(entry: dict, record: ParsedRecord) -> ParsedRecord:
    if unknown := entry.get("unknown_tag"):
        record.problems.append(f"unknown RIS tags: {', '.join(sorted(unknown))}")
    record.title = entry.get("title") or entry.get("primary_title") or ""
    names = entry.get("authors") or entry.get("first_authors") or []
    record.authors = [_author(name) for name in names]
    date = entry.get("date") or entry.get("publication_year") or ""
    record.year = parse_year(entry.get("year") or date, record)
    parts = re.split(r"[/-]", date)
    if len(parts) >= 3 and record.year:
        record.publication_date = iso_date(record.year, parts[1], parts[2])
    record.journal = (
        entry.get("secondary_title")
        or entry.get("journal_name")
        or entry.get("alternate_title3")
        or entry.get("alternate_title2")
        or entry.get("alternate_title1")
        or ""
    )
    record.volume = entry.get("volume") or ""
    record.issue = entry.get("number") or ""
    record.pages = page_range(entry.get("start_page") or "", entry.get("end_page") or "")
    record.doi = entry.get("doi") or ""
    urls = entry.get("urls") or []
    record.url = next((u for u in urls if "doi.org" not in u), "")
    record.abstract = entry.get("abstract") or entry.get("notes_abstract") or ""
    return record


def _author(name: str) -> Author:
    family, comma, given = name.partition(",")
    if not comma:
        return Author(literal=name.strip())
    return Author(family=family.strip(), given=given.strip())
