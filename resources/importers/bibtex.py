"""BibTeX, read through bibtexparser 2 with LaTeX decoding and split author names."""

import bibtexparser
from bibtexparser import middlewares

from .records import Author, ParsedFile, ParsedRecord, iso_date, parse_year

MONTHS = {
    month: number
    for number, month in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def parse(text: str, file_name: str) -> ParsedFile:
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    # failed blocks are records too: numbered in file order with the ones that parsed
    blocks = sorted([*library.entries, *library.failed_blocks], key=lambda b: b.start_line)
    records = []
    for number, block in enumerate(blocks, start=1):
        record = ParsedRecord(number=number, line=block.start_line + 1)
        if block in library.failed_blocks:
            record.problems.append(_failure(block))
            records.append(record)
        else:
            records.append(_record(block, record).finish())
    return ParsedFile(file_name, "BibTeX", records)


def _failure(block) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", "") or str(error) or type(error).__name__
    return f"BibTeX cannot read it: {reason.strip()}"


def _record(entry, record: ParsedRecord) -> ParsedRecord:
    fields = {key.lower(): field.value for key, field in entry.fields_dict.items()}
    record.title = fields.get("title", "")
    record.authors = [_author(name) for name in fields.get("author") or []]
    record.year = parse_year(fields.get("year") or fields.get("date"), record)
    month = MONTHS.get(str(fields.get("month", "")).strip().lower()[:3]) or fields.get("month")
    record.publication_date = iso_date(record.year, month, fields.get("day"))
    record.journal = (
        fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or ""
    )
    record.volume = fields.get("volume", "")
    record.issue = fields.get("number") or fields.get("issue") or ""
    record.pages = str(fields.get("pages", ""))
    record.doi = fields.get("doi", "")
    record.url = fields.get("url", "")
    record.abstract = fields.get("abstract", "")
    return record


def _author(name) -> Author:
    if isinstance(name, str):  # a name SplitNameParts left alone
        return Author(literal=name)
    family = " ".join([*name.von, *name.last, *name.jr]).strip("{} ")
    given = " ".join(name.first).strip("{} ")
    return Author(family=family, given=given) if family else Author(literal=given)
