"""Through the API, a study's topics keep their stored counts of published studies."""

import pytest

from resources.models import Topic
from tests.factories import StudyFactory, TopicFactory

pytestmark = pytest.mark.django_db


def stored(*topics: Topic) -> list[int]:
    return [Topic.objects.get(pk=topic.pk).published_studies for topic in topics]


def test_moving_a_published_study_to_another_topic_through_the_api_moves_its_count(editor_api):
    old, new = TopicFactory(slug="old"), TopicFactory(slug="new")
    StudyFactory(slug="mine").topics.add(old)
    Topic.objects.recount_studies()
    response = editor_api.patch("/api/v1/studies/mine/", {"topics": ["new"]}, format="json")
    assert response.status_code == 200, response.json()
    assert stored(old, new) == [0, 1]


def test_the_api_gives_each_topics_stored_count(api):
    topic = TopicFactory(slug="feedback")
    for study in StudyFactory.create_batch(3):
        study.topics.add(topic)
    Topic.objects.recount_studies()
    assert api.get("/api/v1/topics/feedback/").json()["published_studies"] == 3
