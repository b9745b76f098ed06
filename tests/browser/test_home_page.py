import pytest

from tests.browser.conftest import axe_violations, save_screenshots
from tests.factories import StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_counts_published_studies_and_passes_axe(site):
    StudyFactory.create_batch(2)
    site.goto("/")
    studies = site.page.locator(".counts li", has_text="studies").inner_text()
    assert studies.split() == ["2", "studies"]
    assert axe_violations(site.page) == []
    save_screenshots(site.page, "home")
