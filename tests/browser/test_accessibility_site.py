"""Every page type of the public site passes axe-core (WCAG 2.2 A/AA) in a real browser."""

import pytest

from resources import evidence_map
from resources.models import Certainty, EditorialStatus
from resources.rating import refresh_rating
from tests.browser.conftest import axe_violations, save_screenshots, unstacked_cells
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    topic = TopicFactory(name="Mentorship", slug="mentorship", description="Learning across ranks.")
    mentoring = InterventionFactory(
        name="Reverse mentoring",
        slug="reverse-mentoring",
        setting="medical_school",
        audience="Senior faculty and student volunteers.",
        implementation_steps="Recruit student mentors\nPair each with a leader\nMeet monthly",
        barriers="Hierarchy makes candour hard.",
    )
    mentoring.topics.add(topic)
    peer = InterventionFactory(name="Self-curated peer collectives", slug="peer-collectives")
    peer.topics.add(topic)
    recommendation = RecommendationFactory(title="Offer reverse mentoring", slug="offer-reverse")
    recommendation.interventions.add(mentoring)
    recommendation.topics.add(topic)
    for slug, design in (("students-teach", "qualitative"), ("mixed-views", "mixed_methods")):
        study = StudyFactory(slug=slug, design=design, appraised=True, sample_size=24)
        StudyAuthorFactory(study=study)
        study.topics.add(topic)
        InterventionStudyFactory(intervention=mentoring, study=study)
        OutcomeFactory(study=study, kirkpatrick_level="2a")
        FindingFactory(study=study, kirkpatrick_level="3", confidence=Certainty.MODERATE)
        RecommendationEvidenceFactory(recommendation=recommendation, study=study)
    InterventionStudyFactory(intervention=peer, study=StudyFactory(slug="catalogued"))
    InterventionFactory(name="Draft idea", status=EditorialStatus.DRAFT, published_at=None)
    refresh_rating(mentoring)
    refresh_rating(peer)
    evidence_map.refresh_all_cells()
    return {"intervention": mentoring, "recommendation": recommendation, "topic": topic}


PAGES = [
    ("home", "/"),
    ("interventions", "/interventions/"),
    ("intervention", "/interventions/reverse-mentoring/"),
    ("recommendations", "/recommendations/"),
    ("recommendation", "/recommendations/offer-reverse/"),
    ("topic", "/topics/mentorship/"),
    ("evidence-map", "/evidence-map/"),
    ("about", "/about/"),
]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_page_passes_axe(site, library, name, path):
    response = site.goto(path)
    assert response.status == 200
    assert axe_violations(site.page) == []
    save_screenshots(site.page, name)


def test_not_found_page_passes_axe(site, library):
    response = site.goto("/interventions/no-such-practice/")
    assert response.status == 404
    assert axe_violations(site.page) == []
    save_screenshots(site.page, "404")


def test_filtered_list_with_errors_passes_axe(site, library):
    site.goto("/interventions/?rating=excellent")
    assert site.page.get_by_text("Select a valid choice").first.is_visible()
    assert axe_violations(site.page) == []


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize(
    "path", ["/interventions/reverse-mentoring/", "/recommendations/offer-reverse/"]
)
def test_on_a_phone_summary_of_findings_tables_stack_into_labelled_cards(
    site, library, path, width
):
    page = site.page
    page.set_viewport_size({"width": width, "height": 844})
    site.goto(path)
    assert page.locator("main table.sof").is_visible()
    assert unstacked_cells(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
