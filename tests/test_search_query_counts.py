"""Search runs a fixed number of queries, however many records match.

The caps are lowered so that the larger library has more matches than are counted
(COUNT_CAP) or ranked (RANKED): the bounded path must cost the same queries as the other.
"""

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

SIZES = [1, 15]

# The synonym groups, read once (1). For each kind: its count, which stops at
# COUNT_CAP + 1 (1); then its best matches among the newest RANKED, highlighted (1).
# Studies add their authors (1); interventions hold their evidence counts in their rows.
#  1 synonyms
#  2 studies: count                3 studies: best, highlighted    4 studies: authors
#  5 interventions: count          6 interventions: best, highlighted
#  7 recommendations: count        8 recommendations: best, highlighted
#  9 topics: count                10 topics: best, highlighted
SEARCH_PAGE_QUERIES = 10

# The filter form's pick-lists of interventions, topics and countries (3); the synonym
# groups (1); whether more than COUNT_CAP match (1); the paginator's count (1); the
# facet counts of countries, topics and interventions (3) and of the fixed vocabularies
# (1); the page of studies (1) with their authors (1).
STUDY_LIST_QUERIES = 12


@pytest.fixture(autouse=True)
def low_caps(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    monkeypatch.setattr(search, "RANKED", 5)


def make_matching_records(size: int) -> None:
    for study in StudyFactory.create_batch(size, abstract="Reverse mentoring of senior staff."):
        StudyAuthorFactory.create_batch(2, study=study)
    for intervention in InterventionFactory.create_batch(size, name="Reverse mentoring"):
        InterventionStudyFactory.create_batch(2, intervention=intervention)
    RecommendationFactory.create_batch(size, statement="Offer reverse mentoring.")
    TopicFactory.create_batch(size, description="Mentoring across hierarchies.")
    search.reindex_all()


@pytest.mark.parametrize("size", SIZES)
def test_the_search_page_runs_the_same_queries_at_any_size(size, client, django_assert_num_queries):
    make_matching_records(size)

    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get(reverse("resources:search"), {"q": "mentoring"})

    assert response.status_code == 200
    assert response.text.count("<mark>") >= 4


@pytest.mark.parametrize("size", SIZES)
def test_a_searched_study_list_runs_the_same_queries_at_any_size(
    size, client, django_assert_num_queries
):
    make_matching_records(size)

    with django_assert_num_queries(STUDY_LIST_QUERIES):
        response = client.get(reverse("resources:study-list"), {"q": "mentoring"})

    assert response.status_code == 200
    assert f">{size} stud" in response.text
