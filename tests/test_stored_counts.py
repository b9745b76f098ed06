"""The library and each topic store their counts of published studies, and every write
path keeps them true.

The home page and the unfiltered studies list read the library's total, the topic page
and the topic list each topic's count (counting read 100,000 rows, or 44,000 for the
largest topic, on every visit). Factories add topics behind the write paths' backs (a
new study does recount the total: tests/factories.py), so each test sets up its data and
then goes through a real path: the workflow, the admin, the seed loader (the API's are
in tests/api/test_topic_study_counts.py).
"""

import pytest
from django.core.management import call_command

from resources import changes, workflow
from resources.integrity import ERROR, find_problems
from resources.models import EditorialStatus, PublishedTotal, Study, Topic
from tests.factories import StudyFactory, TopicFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

DRAFT = EditorialStatus.DRAFT


def stored(*topics: Topic) -> list[int]:
    return [Topic.objects.get(pk=topic.pk).published_studies for topic in topics]


def filed_under(topic: Topic, count: int = 1, **fields) -> list[Study]:
    studies = StudyFactory.create_batch(count, **fields)
    for study in studies:
        study.topics.add(topic)
    return studies


def test_recounting_counts_only_published_studies():
    topic = TopicFactory()
    filed_under(topic, 2)
    filed_under(topic, status=DRAFT, published_at=None)
    Topic.objects.recount_studies()
    assert stored(topic) == [2]


def test_publishing_a_study_through_the_workflow_counts_it_under_its_topics(editor):
    topic = TopicFactory()
    [study] = filed_under(topic, status=DRAFT, published_at=None, appraised=True)
    assert workflow.transition(study, EditorialStatus.PUBLISHED, editor)
    assert stored(topic) == [1]


def test_unpublishing_a_study_through_the_workflow_takes_it_off_its_topics(editor):
    topic = TopicFactory()
    [study] = filed_under(topic)
    Topic.objects.recount_studies()
    assert workflow.transition(study, DRAFT, editor)
    assert stored(topic) == [0]


def test_moving_a_published_study_to_another_topic_in_the_admin_moves_its_count(admin_client):
    old, new = TopicFactory(), TopicFactory()
    [study] = filed_under(old, appraised=True)
    Topic.objects.recount_studies()
    change = admin_url(Study, "change", study.pk)
    response = admin_client.post(change, form_data(admin_client.get(change), topics=[str(new.pk)]))
    assert response.status_code == 302
    assert stored(old, new) == [0, 1]


def test_deleting_a_published_study_in_the_admin_takes_it_off_its_topics(admin_client):
    topic = TopicFactory()
    [study] = filed_under(topic)
    Topic.objects.recount_studies()
    response = admin_client.post(admin_url(Study, "delete", study.pk), {"post": "yes"})
    assert response.status_code == 302
    assert stored(topic) == [0]


def test_the_topic_list_shows_how_many_studies_each_topic_holds(client):
    topic = TopicFactory(name="Feedback")
    filed_under(topic, 3)
    Topic.objects.recount_studies()
    assert (
        'Feedback</a> <span class="muted">· 3 studies</span>'
        in client.get("/topics/").content.decode()
    )


def test_the_seed_library_loads_with_every_topic_counted():
    call_command("load_seed", verbosity=0)
    assert Topic.objects.exists()
    assert [p for p in find_problems() if p.kind == "topic_out_of_step"] == []


def test_a_topic_whose_count_drifted_is_reported_until_saved_in_the_admin(admin_client):
    topic = TopicFactory()
    filed_under(topic)  # behind the write paths' backs
    problems = [(p.severity, p.object) for p in find_problems() if p.kind == "topic_out_of_step"]
    assert problems == [(ERROR, topic)]
    change = admin_url(Topic, "change", topic.pk)
    admin_client.post(change, form_data(admin_client.get(change)))
    assert stored(topic) == [1]
    assert [p for p in find_problems() if p.kind == "topic_out_of_step"] == []


def total() -> int:
    return PublishedTotal.objects.get(model="study").count


def test_publishing_and_unpublishing_through_the_workflow_keep_the_library_total(editor):
    study = StudyFactory(status=DRAFT, published_at=None, appraised=True)
    StudyFactory()
    assert total() == 1
    workflow.transition(study, EditorialStatus.PUBLISHED, editor)
    assert total() == 2
    workflow.transition(study, DRAFT, editor)
    assert total() == 1


def test_deleting_published_studies_in_the_admin_keeps_the_library_total(admin_client):
    _kept, *gone = StudyFactory.create_batch(3)
    changelist = admin_url(Study, "changelist")
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "post": "yes", "_selected_action": [s.pk for s in gone]},
    )
    assert response.status_code == 302
    assert total() == 1


def test_the_home_page_and_the_unfiltered_studies_list_read_the_stored_total(client):
    StudyFactory.create_batch(2)
    PublishedTotal.objects.filter(model="study").update(count=7)  # drifted, say
    assert "7 studies" in client.get("/studies/").content.decode()
    assert client.get("/").context["counts"]["studies"] == 7


def test_a_filtered_studies_list_counts_its_own_studies(client):
    StudyFactory.create_batch(2)
    PublishedTotal.objects.filter(model="study").update(count=7)
    page = client.get("/studies/", {"design": "qualitative"}).context["page"]
    assert page.paginator.count == 2


def test_the_unfiltered_api_studies_list_reads_the_stored_total_in_any_order(client):
    StudyFactory.create_batch(2)
    PublishedTotal.objects.filter(model="study").update(count=7)
    assert client.get("/api/v1/studies/").json()["count"] == 7
    assert client.get("/api/v1/studies/", {"sort": "-year"}).json()["count"] == 7


def test_a_filtered_api_studies_list_counts_its_own_studies(client):
    StudyFactory.create_batch(2)
    PublishedTotal.objects.filter(model="study").update(count=7)
    assert client.get("/api/v1/studies/", {"design": "qualitative"}).json()["count"] == 2


def test_a_drifted_library_total_is_reported_until_recounted(admin_client):
    StudyFactory()
    PublishedTotal.objects.filter(model="study").update(count=7)
    assert [p.kind for p in find_problems() if p.is_error] == ["total_out_of_step"]
    assert (
        "published study total (7)"
        in admin_client.get(admin_url(Study, "changelist") + "check-evidence/").content.decode()
    )
    call_command("load_seed", verbosity=0)  # one of the write paths that recount
    assert [p for p in find_problems() if p.kind == "total_out_of_step"] == []


def test_drifted_filter_counts_of_a_whole_list_are_reported_until_recounted():
    study = StudyFactory(design="cohort")
    changes.record(study)
    assert [p for p in find_problems() if p.kind == "filter_counts_out_of_step"] == []
    stored = PublishedTotal.objects.get(model="study")
    stored.facets["design"]["cohort"] = 7
    stored.save()
    [problem] = [p for p in find_problems() if p.kind == "filter_counts_out_of_step"]
    assert problem.is_error and "counts for design differ" in problem.message
    changes.record(study)
    assert [p for p in find_problems() if p.kind == "filter_counts_out_of_step"] == []


def test_a_blank_filter_reads_the_stored_total_and_an_unknown_parameter_counts(client):
    """The stored total is used only where the query string certainly narrows nothing."""
    StudyFactory.create_batch(2)
    PublishedTotal.objects.filter(model="study").update(count=7)
    assert client.get("/api/v1/studies/", {"q": "", "page": 1}).json()["count"] == 7
    assert client.get("/api/v1/studies/", {"utm_source": "x"}).json()["count"] == 2
