"""Citations are formatted by citeproc-py from the study's own facts, in three styles."""

from datetime import date

import pytest

from resources import citations
from tests.factories import StudyAuthorFactory, StudyFactory

pytestmark = pytest.mark.django_db

AUTHORS = [
    ("Wyatt", "Tasha R."),
    ("Scarlett", "Eve"),
    ("Rockich-Winston", "Nicole"),
    ("Ahmed", "Sami"),
]


@pytest.fixture
def study():
    study = StudyFactory(
        title="Trainees push back against racism in training",
        year=2023,
        publication_date=date(2023, 5, 2),
        journal="Medical Education",
        volume="57",
        issue="4",
        pages="345-352",
        doi="10.1111/medu.70055",
    )
    for position, (family, given) in enumerate(AUTHORS, start=1):
        StudyAuthorFactory(study=study, position=position, family_name=family, given_names=given)
    return study


def test_apa_lists_authors_as_family_name_and_initials(study):
    apa = citations.format_citation(study, "apa").text
    assert apa.startswith("Wyatt, T. R., Scarlett, E., Rockich-Winston, N., & Ahmed, S. (2023).")
    assert "Medical Education, 57(4), 345\N{EN DASH}352" in apa
    assert apa.endswith("https://doi.org/10.1111/medu.70055")


def test_vancouver_lists_authors_without_punctuation_and_has_no_list_number(study):
    vancouver = citations.format_citation(study, "vancouver").text
    assert vancouver.startswith("Wyatt TR, Scarlett E, Rockich-Winston N, Ahmed S. Trainees")
    assert "Medical Education. 2023 May 2;57(4):345\N{EN DASH}52." in vancouver


def test_ama_italicises_the_journal_in_html(study):
    ama = citations.format_citation(study, "ama")
    assert ama.text.startswith("Wyatt TR, Scarlett E, Rockich-Winston N, Ahmed S.")
    assert "<i>Medical Education</i>. 2023;57(4):345-352. doi:10.1111/medu.70055" in ama.html


def test_every_offered_style_is_formatted_in_order(study):
    assert [c.style.key for c in citations.format_citations(study)] == ["apa", "vancouver", "ama"]


def test_a_study_with_only_a_title_is_still_cited():
    study = StudyFactory(title="Reference list entry", year=None, journal="", design="")
    for citation in citations.format_citations(study):
        assert "Reference list entry" in citation.text


def test_html_citation_escapes_the_studys_text():
    study = StudyFactory(title="Bias & <script>alert(1)</script> in assessment")
    html = citations.format_citation(study, "apa").html
    assert "<script>" not in html
    assert "Bias &amp; &lt;script&gt;" in html


def test_csl_json_carries_the_bibliographic_facts(study):
    item = citations.csl_json(study)
    assert item["author"][0] == {"family": "Wyatt", "given": "Tasha R."}
    assert item["issued"] == {"date-parts": [[2023, 5, 2]]}
    assert item["DOI"] == "10.1111/medu.70055"
    assert "URL" not in item  # missing facts are left out, not sent empty


def test_literal_author_name_is_kept_whole():
    study = StudyFactory()
    StudyAuthorFactory(study=study, family_name="", given_names="", literal_name="AAMC")
    assert citations.csl_json(study)["author"] == [{"literal": "AAMC"}]
    assert citations.format_citation(study, "vancouver").text.startswith("AAMC.")


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("345-352", ("345", "352")),
        ("345\N{EN DASH}52", ("345", "352")),
        ("e12", ("e12", "")),
        ("", ("", "")),
    ],
)
def test_page_range_expands_abbreviated_last_page(pages, expected):
    assert citations.page_range(pages) == expected


def test_short_authors_names_three_then_et_al(study):
    assert citations.short_authors(study) == "Wyatt TR, Scarlett E, Rockich-Winston N, et al."


def test_json_for_script_cannot_close_the_script_element():
    text = citations.json_for_script({"title": "</script><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
