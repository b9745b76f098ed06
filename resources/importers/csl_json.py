"""CSL-JSON: the format Zotero, Mendeley and citeproc share (a list of items)."""

import json

from .records import (
    Author,
    ImportFileError,
    ParsedFile,
    ParsedRecord,
    clean_text,
    iso_date,
    parse_year,
)


def load_json(text: str, format_name: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"line {error.lineno}: not valid JSON ({error.msg}); no {format_name} record "
            "could be read."
        ) from error


def parse(text: str, file_name: str) -> ParsedFile:
    data = load_json(text, "CSL-JSON")
    items = data if isinstance(data, list) else [data]
    return ParsedFile(
        file_name, "CSL-JSON", [item_record(item, n) for n, item in enumerate(items, 1)]
    )


def item_record(item, number: int) -> ParsedRecord:
    """One CSL item; Crossref's work records share this shape (with lists for titles)."""
    record = ParsedRecord(number=number)
    if not isinstance(item, dict):
        record.problems.append("it is not a JSON object")
        return record
    record.title = clean_text(item.get("title"))
    record.authors = [_author(person) for person in item.get("author") or [] if person]
    issued = _date_parts(item, record)
    if issued:
        record.year = parse_year(issued[0], record)
        record.publication_date = iso_date(*issued[:3]) if len(issued) >= 3 else ""
    record.journal = clean_text(item.get("container-title"))
    record.volume = clean_text(item.get("volume"))
    record.issue = clean_text(item.get("issue"))
    record.pages = clean_text(item.get("page"))
    record.doi = clean_text(item.get("DOI"))
    record.url = clean_text(item.get("URL"))
    record.abstract = item.get("abstract") or ""
    return record.finish()


def _date_parts(item: dict, record: ParsedRecord) -> list:
    for key in ("issued", "published", "published-print", "published-online"):
        value = item.get(key)
        if not value:
            continue
        if isinstance(value, dict):
            if parts := value.get("date-parts"):
                return list(parts[0]) if parts and parts[0] and parts[0][0] is not None else []
            if raw := value.get("raw") or value.get("literal"):
                return [raw]
        record.problems.append(f"its “{key}” date cannot be read")
        return []
    return []


def _author(person) -> Author:
    if not isinstance(person, dict):
        return Author(literal=str(person))
    if "family" in person:
        family = " ".join(filter(None, [person.get("non-dropping-particle"), person["family"]]))
        return Author(family=family, given=person.get("given", ""))
    return Author(literal=person.get("literal") or person.get("name") or "")
