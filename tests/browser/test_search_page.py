"""The search page in a real browser: accessible, live with htmx, whole without JavaScript."""

import re

import pytest

from resources import search
from tests.browser.conftest import axe_violations, save_screenshots
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    study = StudyFactory(
        title="Reverse mentoring of senior staff by medical students",
        abstract="Students met senior staff monthly to describe their experience of racism.",
    )
    StudyAuthorFactory(study=study)
    FindingFactory(study=study, statement="Staff became aware of barriers students face.")
    StudyFactory(title="A curriculum audit", abstract="Reverse mentoring is mentioned once.")
    InterventionFactory(name="Reverse mentoring")
    RecommendationFactory(title="Offer reverse mentoring to senior staff")
    TopicFactory(name="Mentorship", description="Learning across ranks.")
    search.reindex_all()


@pytest.mark.parametrize(
    ("name", "query"),
    [("search-results", "reverse mentoring"), ("search-no-results", "zebrafish")],
)
def test_search_page_passes_axe(site, library, name, query):
    response = site.goto(f"/search/?q={query.replace(' ', '+')}")
    assert response.status == 200
    assert axe_violations(site.page) == []
    save_screenshots(site.page, name)


def test_typing_a_query_updates_the_results_in_place(site, library):
    page = site.page
    site.goto("/search/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.get_by_label("Words to search for").fill("curriculum")
    page.wait_for_url(re.compile(r"/search/\?q=curriculum$"))
    page.locator("#results mark", has_text="curriculum").wait_for()

    assert page.evaluate("() => window.stillTheSamePage") is True
    assert page.locator("#group-studies").inner_text() == "Studies (1)"


def test_searching_works_without_javascript(page_without_javascript, live_server, library):
    page = page_without_javascript
    page.goto(live_server.url + "/search/")
    page.get_by_label("Words to search for").fill("mentoring")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url(re.compile(r"/search/\?q=mentoring$"))

    assert page.locator("#group-studies").inner_text() == "Studies (2)"
    titles = page.locator("#results h3").all_inner_texts()
    assert titles[0] == "Reverse mentoring of senior staff by medical students"
