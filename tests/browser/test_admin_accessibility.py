"""The curation admin passes axe-core (WCAG 2.2 A/AA): its list, change, import and review
pages, as an editor sees them in a real browser."""

import pytest
from django.test import Client
from django.urls import reverse

from resources import revisions
from tests.browser.conftest import axe_violations
from tests.test_admin import make_study

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(site, admin_user):
    """The browser signed in as an administrator (the session made by the test client).

    Not the editor persona: transactional tests that ran before flush the groups the
    migrations made, and every admin page here is the same for both."""
    client = Client()
    client.force_login(admin_user)
    site.page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}]
    )
    return site


@pytest.fixture
def revision(admin_user):
    study = make_study()
    data = revisions.snapshot(study)
    data["fields"]["title"] = "A proposed wording"
    return revisions.propose(study, data, admin_user)


def test_the_admin_pages_have_no_axe_violations(signed_in, revision):
    study = revision.record
    found = {}
    for path in [
        reverse("admin:index"),
        reverse("admin:resources_study_changelist"),
        reverse("admin:resources_study_change", args=[study.pk]),
        reverse("admin:resources_study_import"),
        reverse("admin:review_queue"),
        reverse("admin:resources_revision_change", args=[revision.pk]),
    ]:
        response = signed_in.goto(path)
        assert response.status == 200, path
        found[path] = axe_violations(signed_in.page)
    assert found == {path: [] for path in found}


def test_the_list_columns_are_readable_at_1280_px(signed_in, revision):
    signed_in.page.set_viewport_size({"width": 1280, "height": 900})
    signed_in.goto(reverse("admin:resources_study_changelist"))
    cells = signed_in.page.evaluate(
        """() => [...document.querySelectorAll('#result_list .workflow-state')].map(
            element => ({text: element.textContent, right: element.getBoundingClientRect().right,
                         clipped: element.scrollWidth > element.clientWidth}))"""
    )
    width = signed_in.page.evaluate("() => document.documentElement.clientWidth")
    assert cells
    for cell in cells:
        assert cell["text"] in ("Draft", "In review", "Published")
        assert cell["right"] <= width and not cell["clipped"]
