"""Each public record's URL is the reversed route of its slug."""

import pytest
from django.urls import reverse, set_script_prefix

from tests.factories import InterventionFactory, RecommendationFactory, StudyFactory, TopicFactory

pytestmark = pytest.mark.django_db

ROUTES = {
    StudyFactory: "resources:study-detail",
    InterventionFactory: "resources:intervention-detail",
    RecommendationFactory: "resources:recommendation-detail",
    TopicFactory: "resources:topic-detail",
}


@pytest.mark.parametrize(("factory", "route"), ROUTES.items())
def test_a_records_url_is_the_reversed_route_of_its_slug(factory, route):
    record = factory(slug="Mixed_case-slug-42")
    assert record.get_absolute_url() == reverse(route, kwargs={"slug": "Mixed_case-slug-42"})


@pytest.fixture
def under_a_sub_path():
    set_script_prefix("/library/")
    yield
    set_script_prefix("/")


def test_a_records_url_keeps_the_script_prefix_it_is_served_under(under_a_sub_path):
    assert StudyFactory(slug="a-study").get_absolute_url() == "/library/studies/a-study/"
