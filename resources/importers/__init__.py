"""Reading reference files (RIS, BibTeX, CSL-JSON, Crossref JSON) into `ParsedRecord`s.

`parse_file` decodes and reads a file whole; `plan.make_plan` says what importing it
would do; `plan.apply` does it, in one transaction. `open_records` reads a file on disk
lazily instead, record by record (RIS) or whole where a format's parser needs it, for
`plan.import_records`, which imports it batch by batch in constant memory. Nothing here
writes to the database except `plan.apply` and `plan.import_records`.

Text must be UTF-8 (a byte-order mark is fine). A file in another encoding is refused
with the line of the first byte that is not UTF-8, rather than guessed at: a wrong
guess would put mangled author names into citations without anyone noticing.
"""

import codecs
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from . import bibtex, crossref, csl_json, ris
from .records import (
    Author,
    ImportFileError,
    ParsedFile,
    ParsedRecord,
    RecordSource,
)

__all__ = [
    "Author",
    "ImportFileError",
    "ParsedFile",
    "ParsedRecord",
    "RecordSource",
    "decode",
    "open_records",
    "parse_file",
]

READERS = {
    "ris": ris.parse,
    "bibtex": bibtex.parse,
    "csl": csl_json.parse,
    "crossref": crossref.parse,
}
EXTENSIONS = {".ris": "ris", ".bib": "bibtex", ".bibtex": "bibtex"}
FORMATS = "RIS (.ris), BibTeX (.bib), CSL-JSON or Crossref JSON (.json)"
START_CHARACTERS = 200  # what `detect` reads of a file's start
CHUNK_BYTES = 64 * 1024


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError(
        f"line {line}: not UTF-8 text; export the file as UTF-8 (Unicode) and upload "
        "it again. Nothing was imported."
    )


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(data.count(b"\n", 0, error.start) + 1) from error


def _kind(start: str, file_name: str) -> str:
    """ "json", "ris" or "bibtex": by the file's extension, else by how its content starts."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".json" or start[:1] in "[{":
        return "json"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if start.startswith("TY  -"):
        return "ris"
    if start.startswith(("@", "%")):
        return "bibtex"
    raise ImportFileError(f"{file_name} is not a reference file this library reads: {FORMATS}.")


def detect(text: str, file_name: str) -> str:
    """The reader for a file, by its extension, else by how its content starts."""
    kind = _kind(text.lstrip()[:START_CHARACTERS], file_name)
    if kind == "json":
        data = csl_json.load_json(text, "JSON")
        return "crossref" if crossref.is_crossref(data) else "csl"
    return kind


def parse_file(source: bytes | str | Path, file_name: str | None = None) -> ParsedFile:
    """Read a reference file (a path, or its bytes with its name) into records."""
    if isinstance(source, str | Path):
        path = Path(source)
        file_name = file_name or path.name
        source = path.read_bytes()
    file_name = file_name or "upload"
    text = decode(source)
    if not text.strip():
        raise _empty(file_name)
    parsed = READERS[detect(text, file_name)](text, file_name)
    if not parsed.records and not parsed.problems:
        raise _no_records(file_name, parsed.format)
    return parsed


def open_records(path: Path) -> RecordSource:
    """A file's records, to be read lazily: RIS line by line, other formats whole.

    The file is checked now for what can be seen at its start (its format, whether it is
    empty); a problem further in (a byte that is not UTF-8, no record at all) is raised as
    an `ImportFileError` while it is read.
    """
    path = Path(path)
    with path.open("rb") as file:
        start = _start(file)
        if not start:
            raise _empty(path.name)
        if _kind(start, path.name) != "ris":
            return RecordSource.of(parse_file(path))
        expected = sum(1 for line in _raw_lines(file) if line.startswith(b"TY  -"))

    def read(problem: Callable[[str], object]) -> Iterator[ParsedRecord]:
        found = False

        def note(file_problem: str) -> None:
            nonlocal found
            found = True
            problem(file_problem)

        with path.open("rb") as file:
            for record in ris.read(_lines(file), note):
                found = True
                yield record
        if not found:
            raise _no_records(path.name, "RIS")

    return RecordSource(path.name, "RIS", expected, read)


def _start(file: BinaryIO) -> str:
    """The first characters of a file after any white space, for `_kind`; reads no further
    than it must, and rewinds."""
    head = file.read(CHUNK_BYTES).removeprefix(codecs.BOM_UTF8).lstrip()
    while len(head) <= START_CHARACTERS * 4 and (chunk := file.read(CHUNK_BYTES)):
        head = (head + chunk).lstrip()  # four bytes at most per character, hence the 4
    file.seek(0)
    return head.decode("utf-8", errors="ignore").lstrip()[:START_CHARACTERS]


def _raw_lines(file: BinaryIO) -> Iterator[bytes]:
    for number, line in enumerate(file, start=1):
        yield line.removeprefix(codecs.BOM_UTF8) if number == 1 else line


def _lines(file: Iterable[bytes]) -> Iterator[str]:
    """A file's text line by line, cut as `str.splitlines` cuts the whole; each byte line is
    decoded alone (a newline byte is never inside a UTF-8 character), so the line of a
    byte that is not UTF-8 is the one `decode` names."""
    for number, raw in enumerate(file, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(number) from error
        yield from text.splitlines()


def _empty(file_name: str) -> ImportFileError:
    return ImportFileError(f"{file_name} is empty: no records found. Nothing was imported.")


def _no_records(file_name: str, format_name: str) -> ImportFileError:
    return ImportFileError(
        f"No records found in {file_name} (read as {format_name}). Nothing was imported."
    )
