"""`.published()` is the one visibility rule: drafts and items in review stay hidden."""

import pytest

from resources.models import EditorialStatus, Intervention, Recommendation, Study, Topic
from tests.factories import (
    InterventionFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Study, StudyFactory),
        (Intervention, InterventionFactory),
        (Recommendation, RecommendationFactory),
        (Topic, TopicFactory),
    ],
)
def test_published_hides_drafts_and_items_in_review(model, factory):
    published = factory()
    factory(status=EditorialStatus.DRAFT, published_at=None)
    factory(status=EditorialStatus.IN_REVIEW, published_at=None)
    assert list(model.objects.published()) == [published]


def test_publishing_stamps_the_first_publication_time_only_once():
    study = StudyFactory(status=EditorialStatus.DRAFT, published_at=None)
    study.set_status(EditorialStatus.PUBLISHED)
    first = study.published_at
    study.set_status(EditorialStatus.DRAFT)
    study.set_status(EditorialStatus.PUBLISHED)
    assert first is not None
    assert study.published_at == first
