"""The evidence map in a real browser: filtered and paged, with JavaScript and without it."""

import re

import pytest

from resources import evidence_map
from resources.models import Certainty, InterventionType
from tests.browser.conftest import axe_violations, save_screenshots
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library(monkeypatch):
    """Three mentoring practices with evidence and a curriculum one without; two rows a page."""
    monkeypatch.setattr(evidence_map, "PER_PAGE", 2)
    for name in ["Mentoring circles", "Peer mentoring", "Reverse mentoring"]:
        link = InterventionStudyFactory(intervention__name=name)
        OutcomeFactory(study=link.study, kirkpatrick_level="2a")
        FindingFactory(study=link.study, kirkpatrick_level="3", confidence=Certainty.MODERATE)
    InterventionFactory(name="Curriculum audit", intervention_type=InterventionType.CURRICULUM)
    evidence_map.refresh_all_cells()


def row_names(page) -> list[str]:
    return page.locator("table.map tbody th a").all_inner_texts()


def test_map_with_its_filters_open_passes_axe(site, library):
    site.goto("/evidence-map/?type=mentoring")
    assert site.page.locator("details").get_attribute("open") is not None
    assert axe_violations(site.page) == []
    save_screenshots(site.page, "evidence-map-filtered")


def test_educator_filters_and_pages_the_map_in_place(site, library):
    page = site.page
    site.goto("/evidence-map/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    assert row_names(page) == ["Curriculum audit", "Mentoring circles"]

    page.get_by_text("Filter the map").click()
    page.get_by_label(re.compile(r"^\s*Mentoring · \d+\s*$")).check()
    page.wait_for_url(re.compile(r"/evidence-map/\?.*type=mentoring"))
    page.locator(".result-count", has_text="3 interventions").wait_for()
    assert row_names(page) == ["Mentoring circles", "Peer mentoring"]

    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"/evidence-map/\?.*page=2"))
    page.locator("table.map tbody th a", has_text="Reverse mentoring").wait_for()
    assert page.evaluate("() => window.stillTheSamePage") is True  # swapped, not reloaded
    assert row_names(page) == ["Reverse mentoring"]


def test_educator_filters_and_pages_the_map_without_javascript(
    page_without_javascript, live_server, library
):
    page = page_without_javascript
    page.goto(live_server.url + "/evidence-map/")
    page.get_by_text("Filter the map").click()
    page.get_by_label(re.compile(r"^\s*Mentoring · \d+\s*$")).check()
    page.get_by_role("button", name="Show on the map").click()
    page.wait_for_url(re.compile(r"/evidence-map/\?.*type=mentoring"))
    assert row_names(page) == ["Mentoring circles", "Peer mentoring"]

    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"/evidence-map/\?.*page=2"))
    assert row_names(page) == ["Reverse mentoring"]
    assert page.get_by_label(re.compile(r"^\s*Mentoring · \d+\s*$")).is_checked()


def test_on_a_phone_each_practice_lists_its_levels_with_evidence_then_its_gaps(site, library):
    page = site.page
    page.set_viewport_size({"width": 390, "height": 844})
    site.goto("/evidence-map/?type=mentoring")
    assert not page.locator("table.map").is_visible()
    circles = page.locator(".map-list > li").filter(has_text="Mentoring circles")
    assert circles.locator(".map-levels li").all_inner_texts() == [
        "2a Attitudes and perceptions: 1 study (certainty not yet judged)",
        "3 Behaviour: 1 study (best confidence: moderate)",
        "No studies (gaps): 1 Reaction, 2b Knowledge and skills, 4a Organisational practice, "
        "4b Benefit to patients",
    ]
    circles.get_by_role("link", name="3 Behaviour: 1 study").click()
    page.wait_for_url(re.compile(r"/studies/\?intervention=[\w-]+&outcome_level=3$"))
    assert page.locator(".result-count").inner_text().startswith("1 study")
