"""Reference files from Zotero, EndNote, Mendeley and Crossref import as draft studies.

The sample files under tests/data/imports/ hold works from the seed documents' reference
lists (seed 001) and the Crossref record of seed 000's study, with the facts the seeds give.
"""

import io
import json
import urllib.error
from pathlib import Path

import pytest

from resources.importers import crossref, parse_file
from resources.importers.plan import apply, make_plan
from resources.models import AppraisalStatus, EditorialStatus, SourceKind, Study

DATA = Path(__file__).parent / "data" / "imports"

pytestmark = pytest.mark.django_db


def test_zotero_ris_export_reads_every_record_with_its_line():
    parsed = parse_file(DATA / "zotero_export.ris")
    assert parsed.format == "RIS"
    assert [(r.number, r.line) for r in parsed.records] == [(1, 1), (2, 22), (3, 35), (4, 47)]
    first = parsed.records[0]
    assert first.title == "Student-led efforts to advance anti-racist medical education"
    assert [(a.family, a.given) for a in first.authors][:2] == [
        ("Afolabi", "T"),
        ("Borowsky", "HM"),
    ]
    assert first.authors[7].family == "Ölveczky"
    assert (first.year, first.publication_date) == (2021, "2021-05-25")
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "Academic Medicine",
        "96",
        "6",
        "802-7",
    )
    assert all(not record.problems for record in parsed.records)


def test_bibtex_file_reads_latex_names_and_page_ranges():
    parsed = parse_file(DATA / "references.bib")
    assert parsed.format == "BibTeX"
    assert [r.line for r in parsed.records] == [3, 15, 27, 36]
    garneau = parsed.records[2]
    assert [a.family for a in garneau.authors] == ["Garneau", "Lavoie", "Sit", "Sédillot"]
    sotto = parsed.records[0]
    assert sotto.pages == "41-7"
    assert sotto.publication_date == "2021-12-28"
    assert parsed.records[3].issue == "12S"


def test_csl_json_reads_dates_of_any_precision():
    parsed = parse_file(DATA / "zotero_export.json")
    assert parsed.format == "CSL-JSON"
    collins, godley, pham = parsed.records
    assert (collins.year, collins.publication_date) == (2020, "")
    assert (pham.year, pham.publication_date) == (2021, "2021-01-01")
    assert godley.pages == "2382120520965246"
    assert [a.family for a in pham.authors] == ["Pham", "Philip"]


def test_crossref_work_record_reads_doi_authors_and_abstract():
    parsed = parse_file(DATA / "crossref_medu.70055.json")
    assert parsed.format == "Crossref JSON"
    (record,) = parsed.records
    assert record.doi == "10.1111/medu.70055"
    assert record.title.startswith('"As a resistor, you are not alone": Locating the collective')
    assert [(a.family, a.given) for a in record.authors] == [
        ("Wyatt", "Tasha R"),
        ("Scarlett", "Emily"),
        ("Jain", "Vinayak"),
        ("Ma", "TingLan"),
    ]
    assert (record.year, record.publication_date, record.journal) == (
        2025,
        "2025-10-21",
        "Medical Education",
    )
    assert "<jats:p>" not in record.abstract
    assert record.abstract.splitlines()[1].startswith("Methods: Trainees were recruited")


def test_a_bare_crossref_message_is_read_too():
    message = json.loads((DATA / "crossref_medu.70055.json").read_text())["message"]
    parsed = parse_file(json.dumps([message]).encode(), "works.json")
    assert parsed.format == "Crossref JSON"
    assert parsed.records[0].doi == "10.1111/medu.70055"


def test_the_format_is_recognised_by_content_when_the_extension_says_nothing():
    parsed = parse_file((DATA / "zotero_export.ris").read_bytes(), "export.txt")
    assert parsed.format == "RIS"


@pytest.mark.parametrize(
    "name",
    ["zotero_export.ris", "references.bib", "zotero_export.json", "crossref_medu.70055.json"],
)
def test_each_file_imports_as_draft_unappraised_studies_naming_the_file(name, curator):
    parsed = parse_file(DATA / name)
    result = apply(parsed, curator)
    assert len(result.created) == len(parsed.records) == Study.objects.count()
    assert result.source.kind == SourceKind.IMPORT
    assert result.source.file_name == name
    for study, record in zip(result.created, parsed.records, strict=True):
        assert study.status == EditorialStatus.DRAFT
        assert study.appraisal_status == AppraisalStatus.NOT_APPRAISED
        assert list(study.sources.all()) == [result.source]
        families = list(study.authors.order_by("position").values_list("family_name", flat=True))
        assert families == [a.family for a in record.authors]


def test_imported_study_slug_names_first_author_year_and_title(curator):
    apply(parse_file(DATA / "zotero_export.ris"), curator)
    assert Study.objects.filter(slug="afolabi-2021-student-led-efforts-to-advance-anti").exists()


def test_crossref_record_imports_with_its_doi(curator):
    apply(parse_file(DATA / "crossref_medu.70055.json"), curator)
    study = Study.objects.get(doi="10.1111/medu.70055")
    assert study.authors.first().given_names == "Tasha R"


def test_plan_lists_every_record_to_create_before_anything_is_written():
    plan = make_plan(parse_file(DATA / "references.bib"))
    assert len(plan.to_create) == 4
    assert plan.can_apply
    assert "4 to create" in plan.summary
    assert Study.objects.count() == 0


# The optional Crossref look-up ----------------------------------------------------------


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fake_crossref(message):
    calls = []

    def opener(request, timeout):
        calls.append(request.full_url)
        return FakeResponse(json.dumps({"status": "ok", "message": message}).encode())

    return opener, calls


def test_crossref_lookup_is_off_by_default(settings):
    assert crossref.lookup_enabled() is False
    settings.CROSSREF_LOOKUP = True
    assert crossref.lookup_enabled() is True


def test_crossref_lookup_fills_only_missing_fields():
    message = json.loads((DATA / "crossref_medu.70055.json").read_text())["message"]
    ris = b"TY  - JOUR\nTI  - As a resistor, you are not alone\nDO  - 10.1111/MEDU.70055\nER  - \n"
    parsed = parse_file(ris, "one.ris")
    opener, calls = fake_crossref(message)
    assert crossref.fill_missing(parsed.records, opener) == 1
    (record,) = parsed.records
    assert calls == ["https://api.crossref.org/works/10.1111/medu.70055"]
    assert record.title == "As a resistor, you are not alone"  # the file's own title stays
    assert record.journal == "Medical Education"
    assert record.authors[0].family == "Wyatt"


def test_crossref_lookup_fills_a_title_a_record_lacked():
    message = json.loads((DATA / "crossref_medu.70055.json").read_text())["message"]
    parsed = parse_file(b"TY  - JOUR\nDO  - 10.1111/medu.70055\nER  - \n", "doi-only.ris")
    assert parsed.records[0].problems == ["it has no title"]
    crossref.fill_missing(parsed.records, fake_crossref(message)[0])
    assert parsed.records[0].problems == []


def test_crossref_unreachable_leaves_records_as_they_are():
    def offline(request, timeout):
        raise urllib.error.URLError("no network")

    parsed = parse_file(DATA / "zotero_export.ris")
    parsed.records[0].doi = "10.1097/acm.0000000000000000"
    assert crossref.fill_missing(parsed.records, offline) == 0
    assert parsed.records[0].journal == "Academic Medicine"
