"""The benchmark's reference views exist only when a benchmark asks for them
(DJANGO_BENCHMARK=1 installs the `tests.benchmarks` app)."""

import pytest
from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.test import override_settings

from resources.models import EditorialStatus
from tests.benchmarks.views import ceiling, floor_api, floor_page
from tests.factories import StudyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def benchmarks_installed():
    """The app installed, as DJANGO_BENCHMARK=1 does, so that its templates are found."""
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.benchmarks"]):
        yield


@pytest.mark.parametrize(
    "path", ["/benchmark/ceiling/", "/benchmark/floor/page/a/", "/benchmark/floor/api/a/"]
)
def test_reference_views_are_not_routed_by_default(client, path):
    assert not apps.is_installed("tests.benchmarks")
    assert client.get(path).status_code == 404


def test_ceiling_answers_without_touching_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = ceiling(rf.get("/benchmark/ceiling/"))
    assert response.content == b"ok"


def test_floor_page_shows_a_study_title_in_the_site_template_by_one_query(
    rf, django_assert_num_queries, benchmarks_installed
):
    study = StudyFactory(title="Reverse mentoring in residency")
    with django_assert_num_queries(1):
        response = floor_page(rf.get("/benchmark/floor/page/"), slug=study.slug)
    page = response.content.decode()
    assert "<h1>Reverse mentoring in residency</h1>" in page
    assert "Skip to content" in page  # the whole base template, as every page has


def test_floor_api_answers_a_study_title_by_one_query(rf, django_assert_num_queries):
    study = StudyFactory(title="Reverse mentoring in residency")
    with django_assert_num_queries(1):
        response = floor_api(rf.get("/benchmark/floor/api/"), slug=study.slug)
        response.render()
    assert response.status_code == 200
    assert response.data == {"slug": study.slug, "title": "Reverse mentoring in residency"}


def test_floors_show_published_studies_only(rf, benchmarks_installed):
    draft = StudyFactory(status=EditorialStatus.DRAFT, published_at=None)
    with pytest.raises(Http404):
        floor_page(rf.get("/benchmark/floor/page/"), slug=draft.slug)
    assert floor_api(rf.get("/benchmark/floor/api/"), slug=draft.slug).status_code == 404
