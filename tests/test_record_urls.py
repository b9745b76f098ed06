"""Each public record's URL, built from its slug, is what Django's reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from resources.models.base import slug_url
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
    assert slug_url("resources:study-detail", "a-study") == "/library/studies/a-study/"
    assert slug_url("resources:study-detail", "a-study") == reverse(
        "resources:study-detail", kwargs={"slug": "a-study"}
    )


@pytest.mark.parametrize("slug", ["", "not a slug", "über"])
def test_what_is_not_a_slug_is_refused_as_reverse_refuses_it(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("resources:study-detail", slug)
