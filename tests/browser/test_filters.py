"""The list filters in a real browser, on the seed library: counts on every choice, no
dead end, the filters set above the results, and on a phone the filters folded behind
"Filters (n)" with the results first; no sideways scroll, axe-core at 0 violations."""

import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = ["/studies/", "/interventions/", "/recommendations/"]
WIDTHS = [320, 390, 1280]


@pytest.fixture
def seed_site(site):
    call_command("load_seed", verbosity=0)
    return site


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _results_top(page) -> float:
    return page.locator("#results").bounding_box()["y"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lists_fit_the_screen_and_pass_axe(seed_site, width):
    page = seed_site.page
    page.set_viewport_size({"width": width, "height": 800})
    for path in [*LISTS, "/studies/?learner_level=postgraduate"]:
        seed_site.goto(path)
        assert _sideways(page) <= 0, path
        assert axe_violations(page) == [], path
        toggle = page.locator(".filters-toggle")
        if width < 700:
            # folded: the button, then the results, within the first screen
            assert toggle.is_visible()
            assert re.fullmatch(r"Filters \(\d+ set\)", " ".join(toggle.text_content().split()))
            assert not page.locator("form.filters").is_visible()
            assert _results_top(page) < 800, path
        else:
            assert not toggle.is_visible()
            assert page.locator("form.filters").is_visible()


def test_on_a_phone_the_filters_open_from_their_button_and_say_how_many_are_set(seed_site):
    page = seed_site.page
    page.set_viewport_size({"width": 390, "height": 844})
    seed_site.goto("/studies/?design=qualitative")
    toggle = page.locator(".filters-toggle")
    assert " ".join(toggle.text_content().split()) == "Filters (1 set)"
    toggle.click()
    assert page.locator("form.filters").is_visible()
    assert page.get_by_label(re.compile(r"^\s*Qualitative study · \d+\s*$")).is_checked()
    assert axe_violations(page) == []


def test_the_residency_leads_path_does_not_dead_end(seed_site):
    """Home, the interventions list, the trainees' filter: the page says why it is empty
    and leads on to the practices whose studies do not say who took part."""
    page = seed_site.page
    page.set_viewport_size({"width": 1280, "height": 900})
    seed_site.goto("/")
    page.get_by_role("link", name=re.compile("^Interventions$")).first.click()
    page.wait_for_url(re.compile(r"/interventions/$"))
    trainees = page.get_by_label(re.compile(r"^\s*Postgraduate trainees · \d+\s*$"))
    count = int(re.search(r"· (\d+)", trainees.evaluate("e => e.labels[0].innerText")).group(1))
    if count == 0:  # the seed studies do not say so; the choice cannot be picked
        assert trainees.is_disabled()
        seed_site.goto("/interventions/?learner_level=postgraduate")  # a shared link
        assert "No published intervention matches all these filters." in page.content()
        page.get_by_role("link", name=re.compile("^Include")).click()
    else:
        trainees.check()
    page.locator(".results .card").first.wait_for()
    assert page.locator(".results .card").count() > 0
    assert axe_violations(page) == []


def test_with_htmx_the_counts_and_the_summary_follow_each_choice(seed_site):
    page = seed_site.page
    page.set_viewport_size({"width": 1280, "height": 900})
    seed_site.goto("/studies/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    topic = page.locator('#id_topic option[value="anti-racism"]')
    before = topic.inner_text()
    page.get_by_label(re.compile(r"^\s*Qualitative study · \d+\s*$")).check()
    page.wait_for_url(re.compile(r"/studies/\?design=qualitative$"))  # only what is set
    page.locator(".active-filters", has_text="Design: Qualitative study").wait_for()
    assert page.evaluate("() => window.stillTheSamePage") is True
    # the topics are now counted among qualitative studies only
    assert topic.inner_text() != before
    assert page.get_by_label(re.compile(r"^\s*Qualitative study · \d+\s*$")).is_checked()
    assert page.locator("#filter-count").inner_text().startswith("(1")

    page.get_by_role("link", name=re.compile("Remove filter Design")).click()
    page.wait_for_url(re.compile(r"/studies/$"))
    assert page.locator(".active-filters").count() == 0
    assert axe_violations(page) == []


def test_without_javascript_a_submitted_form_lands_on_a_clean_address(
    page_without_javascript, live_server
):
    call_command("load_seed", verbosity=0)
    page = page_without_javascript
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/studies/")
    assert page.locator("form.filters").is_visible()  # shown on a wide screen without JS
    page.get_by_label(re.compile(r"^\s*Qualitative study · \d+\s*$")).check()
    page.get_by_role("button", name="Show studies").click()
    page.wait_for_url(re.compile(r"/studies/\?design=qualitative$"))
    assert "Design: Qualitative study" in page.locator(".active-filters").inner_text()
