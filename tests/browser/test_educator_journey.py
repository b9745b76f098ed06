"""An educator's journey through the public site, with JavaScript and without it."""

import re

import pytest

from resources.models import EffectCertainty, InterventionType, StudyDesign
from resources.rating import refresh_rating
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    """Two practices: one evaluated by two large trials (High certainty), one not evaluated."""
    mentoring = InterventionFactory(name="Reverse mentoring", slug="reverse-mentoring")
    for slug in ("students-teach", "staff-listen"):
        trial = StudyFactory(slug=slug, appraised=True, design=StudyDesign.RANDOMISED_TRIAL)
        InterventionStudyFactory(intervention=mentoring, study=trial)
        OutcomeFactory(study=trial, intervention_n=300, comparison_n=300)
    refresh_rating(mentoring)
    InterventionFactory(
        name="Curriculum audit",
        slug="curriculum-audit",
        intervention_type=InterventionType.CURRICULUM,
    )
    mentoring.refresh_from_db()
    assert mentoring.rating == EffectCertainty.HIGH
    return mentoring


def test_educator_filters_with_htmx_and_follows_the_evidence(site, library):
    page = site.page
    site.goto("/")
    page.locator("#home-search-q").fill("mentoring")
    page.locator("#home-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=mentoring$"))

    site.goto("/interventions/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    assert page.locator(".result-count").inner_text() == "2 interventions"
    page.get_by_label(re.compile(r"^\s*High · \d+\s*$")).check()
    page.wait_for_url(re.compile(r"/interventions/\?.*rating=high"))
    page.locator(".result-count", has_text="1 intervention").wait_for()
    assert page.evaluate("() => window.stillTheSamePage") is True  # swapped, not reloaded
    assert page.locator(".results .card h3").all_inner_texts() == ["Reverse mentoring"]

    page.get_by_role("link", name="Reverse mentoring").click()
    page.wait_for_url(re.compile(r"/interventions/reverse-mentoring/$"))
    with page.expect_navigation() as navigation:
        page.locator("table a[href^='/studies/']").first.click()
    assert navigation.value.status == 200
    assert re.search(r"/studies/(students-teach|staff-listen)/$", page.url)


def test_educator_journey_works_without_javascript(page_without_javascript, live_server, library):
    page = page_without_javascript
    page.goto(live_server.url + "/")
    page.locator("#home-search-q").fill("mentoring")
    page.locator("#home-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=mentoring$"))

    page.goto(live_server.url + "/interventions/")
    assert page.locator(".result-count").inner_text() == "2 interventions"
    page.get_by_label(re.compile(r"^\s*High · \d+\s*$")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"/interventions/\?.*rating=high"))
    assert page.locator(".result-count").inner_text() == "1 intervention"
    assert page.get_by_label(re.compile(r"^\s*High · \d+\s*$")).is_checked()

    page.get_by_role("link", name="Reverse mentoring").click()
    page.wait_for_url(re.compile(r"/interventions/reverse-mentoring/$"))
    with page.expect_navigation() as navigation:
        page.locator("table a[href^='/studies/']").first.click()
    assert navigation.value.status == 200
    assert re.search(r"/studies/(students-teach|staff-listen)/$", page.url)
