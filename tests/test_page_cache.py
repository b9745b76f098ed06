"""Anonymous readers get whole pages from the cache until anything is published or changed.

The page cache is off in other tests (tests/conftest.py); here it is on, over a cache
emptied for each test. Records made with factories do not invalidate the cache, so a
test that changes data behind its back shows whether a page came from the cache.
"""

import re
import socket
import uuid

import pytest
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.urls import path, reverse

from library.page_cache import GENERATION_KEY, bump_generation, page_key
from resources import workflow
from resources.models import EditorialStatus, Study, Topic
from resources.search import reindex_all
from tests.factories import StudyFactory, TopicFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

TOPICS = reverse("resources:topic-list")
STUDIES = reverse("resources:study-list")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reader():
    """An anonymous reader with a browser of their own (not the signed-in `client`)."""
    return Client()


def test_a_second_anonymous_visit_is_served_without_a_query(reader, django_assert_num_queries):
    TopicFactory(name="Mentorship")
    first = reader.get(TOPICS)
    with django_assert_num_queries(0):
        second = reader.get(TOPICS)
    assert second.status_code == 200
    assert second.content == first.content


def test_a_cached_page_hides_changes_until_the_library_moves_on(reader):
    reader.get(TOPICS)
    TopicFactory(name="Simulation")  # a factory writes behind the cache's back
    assert b"Simulation" not in reader.get(TOPICS).content
    bump_generation()
    assert b"Simulation" in reader.get(TOPICS).content


def test_a_signed_in_curator_is_never_served_a_cached_page(reader, curator_client):
    reader.get(TOPICS)
    TopicFactory(name="Simulation")
    assert b"Simulation" in curator_client.get(TOPICS).content


def test_a_signed_in_curators_page_is_never_cached_for_others(reader, curator_client):
    curator_client.get(TOPICS)
    TopicFactory(name="Simulation")
    assert b"Simulation" in reader.get(TOPICS).content


def test_a_request_with_an_authorization_header_bypasses_the_cache(reader):
    reader.get(TOPICS)
    TopicFactory(name="Simulation")
    assert b"Simulation" in reader.get(TOPICS, HTTP_AUTHORIZATION="Token abc").content


def test_publishing_through_the_workflow_shows_at_once_on_a_cached_list(reader, editor):
    draft = TopicFactory(name="Simulation", status=EditorialStatus.DRAFT, published_at=None)
    assert b"Simulation" not in reader.get(TOPICS).content
    workflow.transition(draft, EditorialStatus.PUBLISHED, editor)
    assert b"Simulation" in reader.get(TOPICS).content


def test_an_edit_in_the_admin_shows_at_once_on_a_cached_page(reader, editor_client):
    # an editor's edit goes live at once; a curator's waits for review as a revision
    topic = TopicFactory(name="Mentorship")
    assert b"Mentorship" in reader.get(TOPICS).content
    url = admin_url(Topic, "change", topic.pk)
    response = editor_client.post(url, form_data(editor_client.get(url), name="Peer tutoring"))
    assert response.status_code == 302
    page = reader.get(TOPICS).content
    assert b"Peer tutoring" in page
    assert b"Mentorship" not in page


def test_a_deletion_in_the_admin_shows_at_once_on_a_cached_page(reader, admin_client):
    study = StudyFactory(title="A study soon withdrawn")
    assert b"A study soon withdrawn" in reader.get(STUDIES).content
    response = admin_client.post(admin_url(Study, "delete", study.pk), {"post": "yes"})
    assert response.status_code == 302
    assert b"A study soon withdrawn" not in reader.get(STUDIES).content


def test_an_edit_through_the_api_shows_at_once_on_a_cached_page(reader, editor):
    from rest_framework.test import APIClient

    from resources.models import ApiToken

    topic = TopicFactory(name="Mentorship", slug="mentorship")
    assert b"Mentorship" in reader.get(TOPICS).content
    _, key = ApiToken.issue(editor, "script", read_only=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(f"/api/v1/topics/{topic.slug}/", {"name": "Peer tutoring"}, format="json")
    assert response.status_code == 200
    assert b"Peer tutoring" in reader.get(TOPICS).content


def test_the_htmx_partial_and_the_full_page_are_cached_apart(reader, django_assert_num_queries):
    StudyFactory(title="Students teach the dean")
    full = reader.get(STUDIES).content
    partial = reader.get(STUDIES, HTTP_HX_REQUEST="true").content
    assert b"<html" in full
    assert b"<html" not in partial
    with django_assert_num_queries(0):
        assert reader.get(STUDIES).content == full
        assert reader.get(STUDIES, HTTP_HX_REQUEST="true").content == partial


def test_the_query_string_is_part_of_the_key(reader):
    StudyFactory(title="Students teach the dean")
    StudyFactory(title="Simulated wards at night")
    reindex_all()
    assert b"Simulated wards" not in reader.get(STUDIES, {"q": "dean"}).content
    assert b"Simulated wards" in reader.get(STUDIES, {"q": "wards"}).content


def test_a_cached_page_has_a_fresh_request_id_and_the_security_headers(reader):
    first = reader.get(TOPICS)
    cached = reader.get(TOPICS, HTTP_X_REQUEST_ID="reader-report-0042")
    assert cached["X-Request-ID"] == "reader-report-0042"
    assert reader.get(TOPICS)["X-Request-ID"] not in {first["X-Request-ID"], "reader-report-0042"}
    for header in [
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ]:
        assert cached[header] == first[header]


def test_a_not_found_page_is_not_cached(reader):
    missing = reverse("resources:study-detail", args=["later"])
    assert reader.get(missing).status_code == 404
    StudyFactory(slug="later")
    assert reader.get(missing).status_code == 200


def test_the_admin_is_not_cached(admin_client):
    url = reverse("admin:resources_topic_changelist")
    assert b"Simulation" not in admin_client.get(url).content
    TopicFactory(name="Simulation")
    assert b"Simulation" in admin_client.get(url).content


API_TOPICS = "/api/v1/topics/"


def test_an_anonymous_api_read_is_served_from_the_cache(reader, django_assert_num_queries):
    TopicFactory()
    first = reader.get(API_TOPICS)
    with django_assert_num_queries(0):
        second = reader.get(API_TOPICS)
    assert second.json() == first.json() == {**first.json(), "count": 1}
    assert second["ETag"] == first["ETag"]


def test_a_cached_api_read_is_stale_once_the_library_moves_on(reader):
    assert reader.get(API_TOPICS).json()["count"] == 0
    TopicFactory()
    assert reader.get(API_TOPICS).json()["count"] == 0
    bump_generation()
    assert reader.get(API_TOPICS).json()["count"] == 1


def test_api_reads_asking_for_different_formats_are_cached_apart(reader):
    reader.get(API_TOPICS, HTTP_ACCEPT="application/json")
    TopicFactory(name="Simulation")
    browsable = reader.get(API_TOPICS, HTTP_ACCEPT="text/html")
    assert browsable["Content-Type"].startswith("text/html")
    assert b"Simulation" in browsable.content


def test_an_api_read_with_a_token_bypasses_the_cache(reader):
    reader.get(API_TOPICS)
    TopicFactory()
    assert reader.get(API_TOPICS, HTTP_AUTHORIZATION="Token abc").status_code == 401
    assert reader.get(API_TOPICS).json()["count"] == 0


def test_a_cached_api_read_revalidated_with_its_etag_is_not_sent_again(reader):
    etag = reader.get(API_TOPICS)["ETag"]
    response = reader.get(API_TOPICS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_a_page_revalidated_with_its_etag_is_not_sent_again(reader):
    TopicFactory(name="Mentorship")
    etag = reader.get(TOPICS)["ETag"]
    response = reader.get(TOPICS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_a_changed_page_has_a_new_etag(reader):
    etag = reader.get(TOPICS)["ETag"]
    TopicFactory(name="Mentorship")
    bump_generation()
    response = reader.get(TOPICS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def page_using_a_nonce(request):
    template = Template('<!doctype html><script nonce="{{ csp_nonce }}"></script>')
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("with-nonce/", page_using_a_nonce)]


@pytest.mark.urls(__name__)
def test_a_page_that_uses_the_csp_nonce_is_never_replayed_from_the_cache(reader):
    first = reader.get("/with-nonce/")
    second = reader.get("/with-nonce/")
    nonces = [re.search(r'nonce="([^"]+)"', r.content.decode()).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    assert f"'nonce-{nonces[1]}'" in second["Content-Security-Policy"]


def test_a_stored_api_answer_keeps_its_bytes_and_headers_but_not_the_records(reader, rf):
    StudyFactory()
    first = reader.get("/api/v1/studies/")
    _generation, status, headers, content = cache.get(page_key(rf.get("/api/v1/studies/")))
    assert (status, content) == (200, first.content)
    assert ("ETag", first["ETag"]) in headers  # no record in it: plain bytes and strings


def test_a_stored_page_keeps_its_etag_so_a_hit_does_not_hash_the_body_again(reader, rf):
    TopicFactory()
    first = reader.get(TOPICS)
    *_, headers, _ = cache.get(page_key(rf.get(TOPICS)))
    assert ("ETag", first["ETag"]) in headers
    assert reader.get(TOPICS)["ETag"] == first["ETag"]


# With Redis, every process shares the pages and the generation. ---------------------------

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_pages(settings):
    """The page cache in Redis, under keys of this test's own, as in production."""
    redis = pytest.importorskip("redis")
    prefix = f"test-{uuid.uuid4().hex}"
    default_caches = settings.CACHES
    settings.CACHES = {
        **default_caches,
        "default": {
            "BACKEND": "library.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    yield caches["default"]
    with redis.Redis.from_url(REDIS) as client:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    settings.CACHES = default_caches  # so that the module's fixture clears local memory


def generation_changed_elsewhere(backend) -> None:
    """What another worker's publish does: bump the generation over its own connection."""
    import redis

    with redis.Redis.from_url(REDIS) as other_worker:
        other_worker.incr(backend.make_key(GENERATION_KEY))


def test_with_redis_a_repeat_visit_is_served_without_a_query(
    reader, redis_pages, django_assert_num_queries
):
    TopicFactory(name="Mentorship")
    first = reader.get(TOPICS)
    with django_assert_num_queries(0):
        second = reader.get(TOPICS)
    assert second.content == first.content


def test_with_redis_a_change_published_by_another_process_shows_on_the_next_visit(
    reader, redis_pages
):
    reader.get(TOPICS)
    TopicFactory(name="Simulation")  # behind the cache's back
    assert b"Simulation" not in reader.get(TOPICS).content
    generation_changed_elsewhere(redis_pages)
    assert b"Simulation" in reader.get(TOPICS).content


def test_with_redis_a_change_published_by_this_process_shows_at_once(reader, redis_pages):
    reader.get(TOPICS)
    TopicFactory(name="Simulation")
    bump_generation()
    assert b"Simulation" in reader.get(TOPICS).content


def test_a_change_made_while_redis_was_down_is_told_to_redis_when_it_answers_again(
    reader, redis_pages, settings
):
    reader.get(TOPICS)
    TopicFactory(name="Simulation")
    working = settings.CACHES
    settings.CACHES = {
        **working,
        "default": {**working["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"},
    }
    bump_generation()  # Redis refuses: the change cannot be told now
    settings.CACHES = working
    assert b"Simulation" in reader.get(TOPICS).content


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
