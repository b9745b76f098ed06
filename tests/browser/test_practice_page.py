"""A practice page answers its two questions apart, with their tables, and passes axe.

Built from the seed library, whose practices a methodologist can check by hand: nothing
evaluated, qualitative evidence for two, only descriptions for three.
"""

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations, save_screenshots

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)


def answers(page) -> dict[str, str]:
    """The page head's two answers, question to answer, as a reader sees them."""
    head = page.locator(".page-head dl.answers")
    questions = head.locator("dt").all_inner_texts()
    replies = [text.strip() for text in head.locator("dd").all_inner_texts()]
    return dict(zip(questions, replies, strict=True))


def test_explored_practice_answers_both_questions_and_shows_its_qualitative_findings(site, seeded):
    site.goto("/interventions/self-curated-peer-collectives/")
    page = site.page
    assert answers(page) == {
        "Does it work?": "No evaluation yet",
        "What is it like to do or receive?": "Low confidence",
    }
    table = page.get_by_role("table", name="Summary of qualitative findings")
    assert table.locator("tbody tr").count() == 6
    assert table.get_by_text("Very low confidence").count() == 1
    assert page.get_by_role("heading", name="Summary of findings").count() == 0
    assert axe_violations(page) == []
    save_screenshots(page, "practice-explored")


def test_described_practice_says_no_evaluation_and_lists_where_it_is_discussed(site, seeded):
    site.goto("/interventions/dei-committees/")
    page = site.page
    assert answers(page) == {
        "Does it work?": "No evaluation yet",
        "What is it like to do or receive?": "No qualitative evidence yet",
    }
    discussed = page.locator("#also-discussed + p + ul")
    assert "Medical learners' anti-racist activism" in discussed.inner_text()
    assert axe_violations(page) == []


def test_study_page_leads_with_how_far_to_trust_it(site, seeded):
    site.goto("/studies/shahzad-medical-learners-anti-racist-activism/")
    page = site.page
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("How far to trust it") < headings.index("Abstract")
    trust = page.locator("section.trust")
    assert "Non-randomised controlled comparison" in trust.inner_text()
    assert "Full text" in trust.inner_text()
    # the seed gives no domain-by-domain judgement to record, and the page says so
    assert "Domains not assessed one by one" in trust.inner_text()
    assert axe_violations(page) == []


def test_recommendation_page_shows_its_layers(site, seeded):
    site.goto("/recommendations/recognise-trainees-self-curated-collectives/")
    page = site.page
    for name in ("Key information", "Rationale", "Evidence profile"):
        assert page.get_by_role("heading", name=name).is_visible(), name
    assert page.get_by_text("Last changed", exact=True).is_visible()
    assert axe_violations(page) == []
