"""An educator finds a study, copies its citation and takes the list home as RIS."""

import re
from datetime import date
from pathlib import Path

import pytest
import rispy
from playwright.sync_api import expect

from tests.factories import StudyAuthorFactory, StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    wanted = StudyFactory(
        appraised=True,
        slug="wyatt-2023",
        title="Trainees push back against racism in training",
        publication_date=date(2023, 5, 2),
        journal="Medical Education",
        volume="57",
        issue="4",
        pages="345-352",
        doi="10.1111/medu.70055",
        design="qualitative",
    )
    StudyAuthorFactory(study=wanted, position=1, family_name="Wyatt", given_names="Tasha R.")
    StudyAuthorFactory(study=wanted, position=2, family_name="Scarlett", given_names="Eve")
    StudyFactory(title="A survey of faculty attitudes", design="cross_sectional")
    return wanted


def test_filter_open_copy_apa_and_download_ris(site, library):
    page = site.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    site.goto("/studies/")
    page.get_by_label("Qualitative study").check()
    expect(page.locator("#results .result-count")).to_have_text("1 study")
    expect(page).to_have_url(re.compile(r"design=qualitative"))
    expect(page.locator("#results")).not_to_contain_text("A survey of faculty attitudes")

    with page.expect_download() as download_info:
        page.locator(".export-links").get_by_role("link", name="RIS").click()
    entries = rispy.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert [(e["title"], e["doi"]) for e in entries] == [(library.title, library.doi)]

    page.get_by_role("link", name=library.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(library.title)
    page.get_by_role("button", name="Copy APA 7th edition citation").click()
    expect(page.locator(".copy-status")).to_have_text("Copied the APA 7th edition citation.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Wyatt, T. R., & Scarlett, E. (2023). Trainees push back")


def test_without_javascript_citations_are_visible_and_exports_still_work(
    page_without_javascript, live_server, library
):
    page = page_without_javascript
    page.goto(live_server.url + "/studies/")
    page.get_by_label("Qualitative study").check()
    page.get_by_role("button", name="Show studies").click()
    expect(page).to_have_url(re.compile(r"design=qualitative"))
    expect(page.locator(".result-count")).to_have_text("1 study")
    with page.expect_download() as download_info:
        page.locator(".export-links").get_by_role("link", name="RIS").click()
    entries = rispy.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert [e["doi"] for e in entries] == [library.doi]

    page.goto(live_server.url + library.get_absolute_url())
    expect(page.locator("#cite-apa")).to_contain_text("Wyatt, T. R., & Scarlett, E. (2023).")
    expect(page.locator("#cite-vancouver")).to_contain_text("Wyatt TR, Scarlett E.")
    expect(page.get_by_role("button", name="Copy APA 7th edition citation")).to_be_hidden()
    with page.expect_download() as download_info:
        page.locator(".downloads").get_by_role("link", name="RIS").click()
    assert download_info.value.suggested_filename == "wyatt-2023.ris"
