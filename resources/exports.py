"""Reference files of a list of studies: RIS, BibTeX, CSV and CSL-JSON.

Each `to_*` function takes studies from `Study.objects.published().for_list()` (authors,
learner levels, countries and published topics as the lists `author_list`,
`learner_level_list`, `country_list` and `published_topics`) and returns the file's text.
`FORMATS` maps the `format` query value to the function, content type and file extension,
for the website's export links and the API alike.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field
from django.utils import timezone
from django.utils.formats import date_format
from pylatexenc.latexencode import unicode_to_latex

from resources.citations import csl_json, page_range

MAX_EXPORT = 5000

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _sort_name(author) -> str:
    if author.literal_name:
        return author.literal_name
    return ", ".join(part for part in (author.family_name, author.given_names) if part)


# Anything a reader may take for the end of a line. RIS is one tag per line, so a line break
# inside a field would let curator text start a line of its own, even a record of its own.
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def _one_line(value):
    if isinstance(value, list):
        return [_one_line(item) for item in value]
    return _LINE_BREAKS.sub(" ", value).strip() if isinstance(value, str) else value


def library_record(study) -> str:
    """Which version of the library's record an export holds, and when it was taken:
    "Evidence library record /studies/<slug>/, version 2 of 7 December 2026, accessed
    8 December 2026"; empty for a record never published as a version."""
    if not getattr(study, "version", 0):
        return ""
    changed = date_format(study.version_changed_at, "j F Y") if study.version_changed_at else ""
    accessed = date_format(timezone.localdate(), "j F Y")
    return (
        f"Evidence library record {study.get_absolute_url()}, version {study.version}"
        + (f" of {changed}" if changed else "")
        + f", accessed {accessed}"
    )


def ris_entry(study) -> dict:
    entry = {
        "type_of_reference": "JOUR" if study.journal else "GEN",
        "id": study.slug,
        "title": study.title,
    }
    authors = [_sort_name(author) for author in study.author_list]
    first_page, last_page = page_range(study.pages)
    optional = {
        "authors": authors,
        "year": str(study.year) if study.year else "",
        "date": study.publication_date.strftime("%Y/%m/%d") if study.publication_date else "",
        "journal_name": study.journal,
        "volume": study.volume,
        "number": study.issue,
        "start_page": first_page,
        "end_page": last_page,
        "doi": study.doi,
        "urls": [study.url] if study.url else [],
        "abstract": study.abstract,
        "keywords": [topic.name for topic in study.published_topics],
        "notes": [note] if (note := library_record(study)) else [],
    }
    entry.update({key: value for key, value in optional.items() if value})
    return {key: _one_line(value) for key, value in entry.items()}


class RecordsOnlyWriter(rispy.RisWriter):
    """rispy numbers each record ("1.", "2.", ...) on a line of its own, which is not RIS:
    a file holds records and nothing else."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(studies: Iterable) -> str:
    return rispy.dumps([ris_entry(study) for study in studies], implementation=RecordsOnlyWriter)


def _latex(value: str) -> str:
    return unicode_to_latex(value, non_ascii_only=False, unknown_char_warning=False)


def _bibtex_name(author) -> str:
    if author.literal_name:
        return "{" + _latex(author.literal_name) + "}"
    return _latex(_sort_name(author))


def bibtex_entry(study) -> Entry:
    """An @article keyed by the study's slug, which is unique in the library."""
    text_fields = {
        "title": study.title,
        "journal": study.journal,
        "abstract": study.abstract,
    }
    fields = [Field(key, _latex(value)) for key, value in text_fields.items() if value]
    authors = study.author_list
    if authors:
        fields.append(Field("author", " and ".join(map(_bibtex_name, authors))))
    first_page, last_page = page_range(study.pages)
    pages = f"{first_page}--{last_page}" if last_page else first_page
    raw_fields = {
        "year": str(study.year) if study.year else "",
        "volume": study.volume,
        "number": study.issue,
        "pages": pages,
        "doi": study.doi,
        "url": study.url,
    }
    fields += [Field(key, value) for key, value in raw_fields.items() if value]
    if note := library_record(study):
        fields.append(Field("note", _latex(note)))
    return Entry("article", study.slug, fields)


def to_bibtex(studies: Iterable) -> str:
    library = bibtexparser.Library([bibtex_entry(study) for study in studies])
    return bibtexparser.write_string(library)


CSV_COLUMNS = [
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "url",
    "design",
    "appraisal",
    "learner_levels",
    "countries",
    "topics",
    "sample_size",
    "library_path",
    "library_version",
    "library_version_date",
    "accessed",
]


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_row(study) -> dict:
    return {
        "title": study.title,
        "authors": "; ".join(_sort_name(author) for author in study.author_list),
        "year": study.year,
        "journal": study.journal,
        "volume": study.volume,
        "issue": study.issue,
        "pages": study.pages,
        "doi": study.doi,
        "url": study.url,
        "design": study.get_design_display(),
        "appraisal": study.get_appraisal_status_display(),
        "learner_levels": "; ".join(
            level.get_level_display() for level in study.learner_level_list
        ),
        "countries": "; ".join(country.name for country in study.country_list),
        "topics": "; ".join(topic.name for topic in study.published_topics),
        "sample_size": study.sample_size,
        "library_path": study.get_absolute_url(),
        "library_version": study.version or "",
        "library_version_date": study.version_changed_at.date().isoformat()
        if study.version_changed_at
        else "",
        "accessed": timezone.localdate().isoformat(),
    }


def to_csv(studies: Iterable) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for study in studies:
        writer.writerow({key: _cell(value) for key, value in csv_row(study).items()})
    return buffer.getvalue()


def to_csl_json(studies: Iterable) -> str:
    return json.dumps([csl_json(study) for study in studies], ensure_ascii=False, indent=2)


class ExportFormat(NamedTuple):
    function: Callable[[Iterable], str]
    content_type: str
    extension: str


FORMATS: dict[str, ExportFormat] = {
    "ris": ExportFormat(to_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "bibtex": ExportFormat(to_bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "csv": ExportFormat(to_csv, "text/csv; charset=utf-8", "csv"),
    "csl-json": ExportFormat(
        to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"
    ),
}
