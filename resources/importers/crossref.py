"""Crossref work records, from a file or (optionally) looked up by DOI.

A file holds what https://api.crossref.org/works/<doi> returns (`{"status": "ok",
"message": {...}}`), a bare message, a list of either, or a works search result
(`{"message": {"items": [...]}}`). Messages are CSL-shaped, so items are read by the
CSL-JSON reader.

The look-up fills the fields a record lacks from Crossref. It runs only when the
curator asks for it and the `CROSSREF_LOOKUP` setting is on; everything else works
without a network. It uses the standard library, and takes an `opener` so tests never
touch the network.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.conf import settings

from .csl_json import item_record, load_json
from .records import NO_TITLE, ParsedFile, ParsedRecord

API = "https://api.crossref.org/works/"
FILLABLE = ["title", "authors", "year", "publication_date", "journal", "volume", "issue"]
FILLABLE += ["pages", "url", "abstract"]


def parse(text: str, file_name: str) -> ParsedFile:
    data = load_json(text, "Crossref")
    messages = []
    for item in data if isinstance(data, list) else [data]:
        message = item.get("message", item) if isinstance(item, dict) else item
        if isinstance(message, dict) and isinstance(message.get("items"), list):
            messages.extend(message["items"])
        else:
            messages.append(message)
    return ParsedFile(
        file_name,
        "Crossref JSON",
        [item_record(message, number) for number, message in enumerate(messages, 1)],
    )


def is_crossref(data) -> bool:
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict):
        return False
    return "message" in first or isinstance(first.get("title"), list)


def lookup_enabled() -> bool:
    return bool(getattr(settings, "CROSSREF_LOOKUP", False))


def fetch(doi: str, opener: Callable = urllib.request.urlopen, timeout: float = 10) -> dict | None:
    """Crossref's message for `doi`, or None when it is unknown or Crossref cannot be reached."""
    request = urllib.request.Request(
        API + urllib.parse.quote(doi, safe="/"),
        headers={"User-Agent": "evidence-library (reference import)"},
    )
    try:
        with opener(request, timeout=timeout) as response:
            return json.load(response).get("message")
    except (urllib.error.URLError, TimeoutError, ValueError, AttributeError, OSError):
        return None


def fill_missing(records: list[ParsedRecord], opener: Callable = urllib.request.urlopen) -> int:
    """Fill each record's empty fields from Crossref by its DOI; returns how many gained any."""
    filled = 0
    for record in records:
        if not record.doi:
            continue
        message = fetch(record.doi, opener)
        if not message:
            continue
        found = item_record(message, record.number)
        gained = False
        for name in FILLABLE:
            if not getattr(record, name) and getattr(found, name):
                setattr(record, name, getattr(found, name))
                gained = True
        if record.title and NO_TITLE in record.problems:
            record.problems.remove(NO_TITLE)
        filled += gained
    return filled
