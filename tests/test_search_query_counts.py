"""The search page runs a fixed number of queries, however many records match."""

import pytest
from django.urls import reverse

from resources import search
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

# For each kind: its best matches, highlighted (1) and its capped count (1); studies add
# their authors (1) and interventions their links to published studies (1).
#  1 studies: best matches    2 studies: authors       3 studies: count
#  4 interventions: best      5 interventions: links   6 interventions: count
#  7 recommendations: best    8 recommendations: count
#  9 topics: best            10 topics: count
SEARCH_PAGE_QUERIES = 10


def make_matching_records(size: int) -> None:
    for study in StudyFactory.create_batch(size, abstract="Reverse mentoring of senior staff."):
        StudyAuthorFactory.create_batch(2, study=study)
    for intervention in InterventionFactory.create_batch(size, name="Reverse mentoring"):
        InterventionStudyFactory.create_batch(2, intervention=intervention)
    RecommendationFactory.create_batch(size, statement="Offer reverse mentoring.")
    TopicFactory.create_batch(size, description="Mentoring across hierarchies.")
    search.reindex_all()


@pytest.mark.parametrize("size", [1, 15])
def test_the_search_page_runs_the_same_queries_at_any_size(size, client, django_assert_num_queries):
    make_matching_records(size)

    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get(reverse("resources:search"), {"q": "mentoring"})

    assert response.status_code == 200
    assert response.text.count("<mark>") >= 4
