"""A reference with a fact missing follows each style's own rule, and invents nothing.

The library catalogues works as their sources give them: the BMJ Open study has no
authors in its seed, Shahzad et al. no journal, many reference-list entries no pages.
"""

import pytest

from resources import citations
from tests.factories import StudyAuthorFactory, StudyFactory

pytestmark = pytest.mark.django_db

TITLE = "Reverse mentoring and the experience of minority groups"


def _study(*, authors=True, **facts):
    values = {
        "title": TITLE,
        "year": 2021,
        "journal": "BMJ Open",
        "volume": "11",
        "issue": "3",
        "pages": "e041234",
        "doi": "",
    }
    values.update(facts)
    study = StudyFactory(**values)
    if authors:
        StudyAuthorFactory(study=study, position=1, family_name="Wyatt", given_names="Tasha R.")
    return study


def _text(study, style):
    return citations.format_citation(study, style).text


@pytest.mark.parametrize("style", ["apa", "vancouver", "ama"])
def test_without_authors_the_title_is_printed_once(style):
    text = _text(_study(authors=False), style)
    assert text.count(TITLE) == 1
    assert text.startswith(TITLE)


def test_apa_without_authors_puts_the_title_before_the_date():
    assert _text(_study(authors=False), "apa").startswith(f"{TITLE}. (2021). BMJ Open, 11(3)")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "Wyatt, T. R. (n.d.). Reverse mentoring"),
        ("vancouver", "BMJ Open. 11(3):e041234."),
        ("ama", "BMJ Open. 11(3):e041234."),
    ],
)
def test_without_a_year(style, expected):
    text = _text(_study(year=None), style)
    assert expected in text
    assert "None" not in text


@pytest.mark.parametrize("style", ["apa", "vancouver", "ama"])
def test_without_a_journal_no_publication_status_is_claimed(style):
    text = _text(_study(journal="", volume="", issue="", pages=""), style)
    assert text.startswith(("Wyatt, T. R. (2021).", "Wyatt TR."))
    assert "Preprint" not in text and "manuscript" not in text.lower()
    assert "BMJ" not in text


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "BMJ Open, 11(3)."),
        ("vancouver", "BMJ Open. 2021;11(3)."),
        ("ama", "BMJ Open. 2021;11(3)."),
    ],
)
def test_without_pages_the_issue_ends_the_source(style, expected):
    assert expected in _text(_study(pages=""), style)


@pytest.mark.parametrize("style", ["apa", "vancouver", "ama"])
def test_with_only_a_title_the_title_stands_alone(style):
    study = _study(authors=False, year=None, journal="", volume="", issue="", pages="")
    text = _text(study, style)
    assert text.count(TITLE) == 1
    assert text.removesuffix(" (n.d.).").rstrip(".") == TITLE


def test_csl_json_of_a_work_without_a_journal_is_a_plain_document():
    item = citations.csl_json(_study(journal=""))
    assert item["type"] == "document"
    assert "container-title" not in item
