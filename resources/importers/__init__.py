"""Reading reference files (RIS, BibTeX, CSL-JSON, Crossref JSON) into `ParsedRecord`s.

`parse_file` decodes and reads a file; `plan.make_plan` says what importing it would
do; `plan.apply` does it, in one transaction. Nothing here writes to the database
except `plan.apply`.

Text must be UTF-8 (a byte-order mark is fine). A file in another encoding is refused
with the line of the first byte that is not UTF-8, rather than guessed at: a wrong
guess would put mangled author names into citations without anyone noticing.
"""

from pathlib import Path

from . import bibtex, crossref, csl_json, ris
from .records import Author, ImportFileError, ParsedFile, ParsedRecord

__all__ = ["Author", "ImportFileError", "ParsedFile", "ParsedRecord", "decode", "parse_file"]

READERS = {
    "ris": ris.parse,
    "bibtex": bibtex.parse,
    "csl": csl_json.parse,
    "crossref": crossref.parse,
}
EXTENSIONS = {".ris": "ris", ".bib": "bibtex", ".bibtex": "bibtex"}
FORMATS = "RIS (.ris), BibTeX (.bib), CSL-JSON or Crossref JSON (.json)"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(
            f"line {line}: not UTF-8 text; export the file as UTF-8 (Unicode) and upload "
            "it again. Nothing was imported."
        ) from error


def detect(text: str, file_name: str) -> str:
    """The reader for a file, by its extension, else by how its content starts."""
    suffix = Path(file_name).suffix.lower()
    start = text.lstrip()[:200]
    if suffix == ".json" or start[:1] in "[{":
        data = csl_json.load_json(text, "JSON")
        return "crossref" if crossref.is_crossref(data) else "csl"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if start.startswith("TY  -"):
        return "ris"
    if start.startswith(("@", "%")):
        return "bibtex"
    raise ImportFileError(f"{file_name} is not a reference file this library reads: {FORMATS}.")


def parse_file(source: bytes | str | Path, file_name: str | None = None) -> ParsedFile:
    """Read a reference file (a path, or its bytes with its name) into records."""
    if isinstance(source, str | Path):
        path = Path(source)
        file_name = file_name or path.name
        source = path.read_bytes()
    file_name = file_name or "upload"
    text = decode(source)
    if not text.strip():
        raise ImportFileError(f"{file_name} is empty: no records found. Nothing was imported.")
    parsed = READERS[detect(text, file_name)](text, file_name)
    if not parsed.records and not parsed.problems:
        raise ImportFileError(
            f"No records found in {file_name} (read as {parsed.format}). Nothing was imported."
        )
    return parsed
