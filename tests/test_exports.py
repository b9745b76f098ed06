"""Exported reference files parse back to the studies they came from, and only public ones."""

import csv
import io
import json
from datetime import date

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from pylatexenc.latex2text import LatexNodes2Text

from resources import exports
from resources.models import EditorialStatus, Study
from tests.factories import StudyAuthorFactory, StudyFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def studies():
    first = StudyFactory(
        title="Trainees & allies: 50% of residents push back",
        year=2023,
        publication_date=date(2023, 5, 2),
        pages="345-352",
        volume="57",
        doi="10.1111/medu.70055",
        slug="wyatt-2023",
    )
    StudyAuthorFactory(study=first, position=1, family_name="Wyatt", given_names="Tasha R.")
    StudyAuthorFactory(study=first, position=2, family_name="Núñez", given_names="Ana")
    second = StudyFactory(title="Reverse mentoring", year=2021, doi="10.1000/rm.1", slug="rm-2021")
    StudyAuthorFactory(study=second, position=1, family_name="Lee", given_names="Kim")
    StudyAuthorFactory(study=second, position=2, literal_name="Student Voice Collective")
    return list(Study.objects.published().for_list().order_by("slug"))


def facts(study) -> tuple:
    return (study.title, study.year, study.doi)


def test_ris_parses_back_to_the_same_titles_authors_years_and_dois(studies):
    entries = sorted(rispy.loads(exports.to_ris(studies)), key=lambda entry: entry["id"])
    assert [(e["title"], int(e["year"]), e["doi"]) for e in entries] == list(map(facts, studies))
    assert entries[0]["authors"] == ["Lee, Kim", "Student Voice Collective"]
    assert entries[1]["authors"] == ["Wyatt, Tasha R.", "Núñez, Ana"]
    assert (entries[1]["start_page"], entries[1]["end_page"]) == ("345", "352")


def test_bibtex_parses_back_to_the_same_titles_authors_years_and_dois(studies):
    library = bibtexparser.parse_string(
        exports.to_bibtex(studies),
        append_middleware=[SeparateCoAuthors(), LatexDecodingMiddleware()],
    )
    assert not library.failed_blocks
    entries = sorted(library.entries, key=lambda entry: entry.key)
    assert [(e["title"], int(e["year"]), e["doi"]) for e in entries] == list(map(facts, studies))
    assert entries[0]["author"] == ["Lee, Kim", "{Student Voice Collective}"]
    decoded = [LatexNodes2Text().latex_to_text(name) for name in entries[1]["author"]]
    assert decoded == ["Wyatt, Tasha R.", "Núñez, Ana"]
    assert entries[1]["pages"] == "345\N{EN DASH}352"  # "--" decodes to an en dash


def test_csl_json_parses_back_to_the_same_titles_authors_years_and_dois(studies):
    items = json.loads(exports.to_csl_json(studies))
    assert [(i["title"], i["issued"]["date-parts"][0][0], i["DOI"]) for i in items] == list(
        map(facts, studies)
    )
    assert items[0]["author"] == [
        {"family": "Lee", "given": "Kim"},
        {"literal": "Student Voice Collective"},
    ]


def test_csv_reads_back_with_dictreader(studies):
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(studies))))
    assert [(r["title"], int(r["year"]), r["doi"]) for r in rows] == list(map(facts, studies))
    assert rows[1]["authors"] == "Wyatt, Tasha R.; Núñez, Ana"


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas():
    StudyFactory(title='=HYPERLINK("http://example.org")')
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(Study.objects.for_list()))))
    assert rows[0]["title"].startswith("'=")


def test_every_format_names_its_content_type_and_extension():
    assert set(exports.FORMATS) == {"ris", "bibtex", "csv", "csl-json"}
    assert exports.FORMATS["ris"].content_type.startswith("application/x-research-info-systems")
    assert exports.FORMATS["bibtex"].extension == "bib"


def test_export_view_returns_an_attachment_of_the_whole_filtered_list(visitor):
    topic = TopicFactory(slug="mentorship")
    wanted = StudyFactory.create_batch(30, year=2020)
    for study in wanted:
        study.topics.add(topic)
    StudyFactory(year=2020)  # not in the topic
    response = visitor.get("/studies/export/?format=ris&topic=mentorship&page=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="studies-topic-mentorship-')
    titles = {entry["title"] for entry in rispy.loads(response.content.decode())}
    assert titles == {study.title for study in wanted}  # all pages, not only the second


def test_export_view_never_includes_drafts_or_studies_in_review(visitor):
    StudyFactory(title="Public")
    StudyFactory(title="Draft", status=EditorialStatus.DRAFT)
    StudyFactory(title="In review", status=EditorialStatus.IN_REVIEW)
    response = visitor.get("/studies/export/?format=csl-json")
    assert [item["title"] for item in json.loads(response.content)] == ["Public"]


@pytest.mark.parametrize("format_name", ["", "pdf", "RIS"])
def test_export_view_refuses_an_unknown_format_with_400(visitor, format_name):
    response = visitor.get(f"/studies/export/?format={format_name}")
    assert response.status_code == 400
    assert b"Unknown export format" in response.content


@pytest.mark.parametrize(
    "query",
    ["year_min=abc", "design=not-a-design", "sort=shoe-size", "topic=" + ",".join(["t"] * 21)],
)
def test_export_view_refuses_invalid_filters_with_400(visitor, query):
    response = visitor.get(f"/studies/export/?format=csv&{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_export_view_refuses_a_list_larger_than_the_cap(visitor, monkeypatch):
    monkeypatch.setattr("resources.views.exports.MAX_EXPORT", 2)
    StudyFactory.create_batch(3)
    response = visitor.get("/studies/export/?format=ris")
    assert response.status_code == 400
    assert b"at most 2" in response.content


def test_single_study_citation_downloads(visitor, studies):
    response = visitor.get("/studies/wyatt-2023/cite.bib")
    assert response["Content-Disposition"] == 'attachment; filename="wyatt-2023.bib"'
    assert bibtexparser.parse_string(response.content.decode()).entries[0].key == "wyatt-2023"
    ris = rispy.loads(visitor.get("/studies/wyatt-2023/cite.ris").content.decode())
    assert [entry["doi"] for entry in ris] == ["10.1111/medu.70055"]
    assert visitor.get("/studies/wyatt-2023/cite.exe").status_code == 404


def test_single_study_citation_of_a_draft_is_not_found(visitor):
    StudyFactory(slug="hidden", status=EditorialStatus.DRAFT)
    assert visitor.get("/studies/hidden/cite.ris").status_code == 404


def test_line_breaks_inside_fields_cannot_forge_ris_records(visitor):
    forged = "Real title\r\nER  - \n\nTY  - JOUR\nTI  - Forged record\u2028AU  - Nobody"
    StudyFactory(
        slug="forgery",
        title=forged,
        abstract="First paragraph.\n\nER  - \nTY  - GEN\nTI  - Another forged record",
        journal="Medical\rEducation",
    )
    StudyFactory(slug="plain", title="A plain study")
    text = visitor.get("/studies/export/?format=ris").content.decode()

    entries = rispy.loads(text)
    assert len(entries) == 2
    assert [line for line in text.splitlines() if line.startswith("TY  - ")] == ["TY  - JOUR"] * 2
    forgery = next(entry for entry in entries if entry["id"] == "forgery")
    assert forgery["title"] == "Real title ER  - TY  - JOUR TI  - Forged record AU  - Nobody"
    assert forgery["journal_name"] == "Medical Education"
    assert "\n" not in forgery["abstract"]
