"""The seed library on a phone, at 400% zoom (320 px) and on paper, in a real browser.

No page scrolls sideways at 320 px (WCAG 1.4.10 Reflow), chart text stays readable at
every width, and a printout says where and when it came from; a practice prints on at
most two A4 pages.
"""

import re

import pytest
from django.core.management import call_command

from resources.models import Intervention
from tests.browser.conftest import axe_violations, unstacked_cells

pytestmark = pytest.mark.django_db(transaction=True)

PRACTICES = [
    "reverse-mentoring",
    "student-led-anti-racism-programmes",
    "curriculum-advocacy",
    "community-outreach-and-engagement",
    "dei-committees",
    "self-curated-peer-collectives",
]
PAGES = [
    "/",
    "/interventions/",
    "/studies/",
    "/recommendations/",
    "/evidence-map/",
    "/search/?q=mentoring",
    "/about/",
    "/topics/anti-racism/",
    "/studies/shahzad-medical-learners-anti-racist-activism/",
    "/studies/wyatt-2025-as-a-resistor-you-are-not-alone/",
    "/recommendations/consider-reverse-mentoring-for-senior-staff/",
    *(f"/interventions/{slug}/" for slug in PRACTICES),
]


@pytest.fixture
def seed_site(site):
    call_command("load_seed", verbosity=0)
    return site


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_page_scrolls_sideways(seed_site, width):
    seed_site.page.set_viewport_size({"width": width, "height": 800})
    overflowing = {}
    for path in PAGES:
        seed_site.goto(path)
        if (extra := _sideways(seed_site.page)) > 0:
            overflowing[path] = extra
    assert overflowing == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_chart_text_is_at_least_12px_and_never_clipped(seed_site, width):
    page = seed_site.page
    page.set_viewport_size({"width": width, "height": 800})
    seed_site.goto("/studies/shahzad-medical-learners-anti-racist-activism/")
    texts = page.locator(".outcome-chart dt, .outcome-chart .chart-value, .chart-measure__name")
    assert texts.count() > 0
    for index in range(texts.count()):
        text = texts.nth(index)
        size = text.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        assert size >= 12
        clipped = text.evaluate("element => element.scrollWidth > element.clientWidth + 1")
        assert not clipped, text.inner_text()
    assert axe_violations(page) == []


def test_the_study_page_passes_axe_at_320px(seed_site):
    seed_site.page.set_viewport_size({"width": 320, "height": 800})
    seed_site.goto("/studies/shahzad-medical-learners-anti-racist-activism/")
    assert axe_violations(seed_site.page) == []


def test_a_printout_names_the_site_the_address_and_the_dates(seed_site):
    page = seed_site.page
    seed_site.goto("/interventions/reverse-mentoring/")
    page.emulate_media(media="print")
    header = page.locator(".print-header")
    assert header.is_visible()
    text = header.inner_text()
    assert "Evidence library for medical educators" in text
    assert "/interventions/reverse-mentoring/" in text
    assert re.search(r"printed \d{1,2} \w+ \d{4}", text)
    assert "record last changed" in text
    assert not page.locator(".site-nav").is_visible()


def _printed_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed: its page objects, not the page tree (/Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _smallest_printed_text(page) -> float:
    """The smallest font, in px, of any visible text in the main content."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('main *')]
            .filter(el => el.offsetParent !== null && [...el.childNodes].some(
                node => node.nodeType === Node.TEXT_NODE && node.textContent.trim()))
            .map(el => parseFloat(getComputedStyle(el).fontSize)))"""
    )


def test_every_seed_practice_prints_as_a_sheet_of_at_most_two_a4_pages(seed_site):
    page = seed_site.page
    practices = list(Intervention.objects.published().order_by("slug"))
    assert len(practices) >= 6
    page.emulate_media(media="print")
    pages = {}
    for practice in practices:
        seed_site.goto(practice.get_absolute_url())
        pages[practice.slug] = _printed_pages(page.pdf(format="A4"))
        header = page.locator(".print-header").inner_text()
        assert "Evidence library for medical educators" in header
        assert practice.get_absolute_url() in header
        assert re.search(r"printed \d{1,2} \w+ \d{4}", header)
        assert "record last changed" in header
        sheet = page.locator("main")
        for heading in ("What it is", "How to implement it", "Does it work?"):
            assert sheet.get_by_role("heading", name=heading, exact=True).is_visible()
        assert sheet.locator(".answers").is_visible()
        if sheet.locator("table.key-studies").count():
            assert sheet.locator("table.key-studies").is_visible()
        assert not page.locator(".site-nav, .export-links, .feed-links").first.is_visible()
        assert not page.get_by_role("heading", name="Related interventions").is_visible()
        assert _smallest_printed_text(page) >= 12  # 9 pt
    assert {slug: count for slug, count in pages.items() if count > 2} == {}


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_evidence_map_is_a_list_per_practice(seed_site, width):
    page = seed_site.page
    seed_site.goto("/evidence-map/")
    grid_names = page.locator("table.map tbody th a").all_inner_texts()
    assert page.locator("table.map").is_visible()
    assert not page.locator(".map-list").is_visible()

    page.set_viewport_size({"width": width, "height": 800})
    assert not page.locator("table.map").is_visible()
    practices = page.locator(".map-list > li")
    assert practices.locator("h3 a").all_inner_texts() == grid_names
    reverse_mentoring = practices.filter(has_text="Reverse mentoring")
    assert reverse_mentoring.get_by_text("Does it work?").is_visible()
    gaps = reverse_mentoring.locator(".map-levels .gap").inner_text()
    assert gaps.startswith("No studies (gaps): 1 Reaction")
    assert _sideways(page) <= 0
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_tables_of_studies_stack_into_labelled_cards(seed_site, width):
    page = seed_site.page
    page.set_viewport_size({"width": width, "height": 844})
    squeezed = {}
    for slug in PRACTICES:
        seed_site.goto(f"/interventions/{slug}/")
        if cells := unstacked_cells(page):
            squeezed[slug] = cells
        assert _sideways(page) <= 0
    assert squeezed == {}

    seed_site.goto("/interventions/student-led-anti-racism-programmes/")
    studies = page.get_by_role("table", name="Studies that evaluated or explored")
    assert studies.locator("tbody tr").count() == 2
    assert _display(studies.locator("tbody td").first) == "block"
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    assert _display(studies.locator("tbody td").first) == "table-cell"  # on a wide screen
    page.set_viewport_size({"width": width, "height": 844})
    page.emulate_media(media="print")
    assert _display(studies.locator("tbody td").first) == "table-cell"  # and on paper


def _display(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).display")
