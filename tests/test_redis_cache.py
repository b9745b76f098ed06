"""The Redis cache backend keeps one redis-py client instead of building one per call."""

import time
import uuid

import pytest

from library.redis_cache import ReusingRedisCache

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache():
    backend = ReusingRedisCache(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["page", "generation"])  # not clear(): that empties the whole database


def test_every_call_shares_one_client(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("some key") is client


def test_it_stores_reads_and_counts_like_djangos_own_backend(redis_cache):
    redis_cache.set("page", (1, 200, [("ETag", '"x"')], b"body"), 60)
    redis_cache.set("generation", 7, None)
    redis_cache.incr("generation")
    assert redis_cache.get_many(["page", "generation", "absent"]) == {
        "page": (1, 200, [("ETag", '"x"')], b"body"),
        "generation": 8,
    }


@pytest.fixture
def another_client(redis_cache):
    """A second connection to the same Redis, as another worker process would have."""
    import redis

    client = redis.Redis.from_url(REDIS)
    yield client
    client.close()


def test_a_watch_reports_a_change_at_first_since_it_cannot_know_what_it_missed(redis_cache):
    watch = redis_cache.watch("generation")
    assert watch.changed()
    assert not watch.changed()
    watch.close()


def test_a_watch_learns_of_a_write_from_another_connection(redis_cache, another_client):
    watch = redis_cache.watch("generation")
    watch.changed()
    another_client.incr(redis_cache.make_key("generation"))
    assert _eventually(watch.changed)
    assert not watch.changed()
    watch.close()


def test_a_watch_ignores_writes_to_other_keys(redis_cache, another_client):
    watch = redis_cache.watch("generation")
    watch.changed()
    another_client.set(redis_cache.make_key("page"), b"x")
    time.sleep(0.05)
    assert not watch.changed()
    watch.close()


def test_a_watch_learns_of_its_key_expiring(redis_cache):
    redis_cache.set("generation", 1, timeout=1)
    watch = redis_cache.watch("generation")
    watch.changed()
    time.sleep(1.1)
    redis_cache.get("generation")  # Redis expires a key lazily, on access, or in its sweep
    assert _eventually(watch.changed)
    watch.close()


def test_a_watch_that_lost_its_connection_reports_a_change(redis_cache):
    watch = redis_cache.watch("generation")
    watch.changed()
    watch._connection._sock.close()  # the connection dropped under it
    assert watch.changed()


def test_a_watch_on_a_server_that_cannot_be_reached_reports_a_change_without_waiting():
    backend = ReusingRedisCache("redis://127.0.0.1:1/0", {})  # nothing listens on port 1
    watch = backend.watch("generation")
    assert watch.changed()
    started = time.monotonic()
    assert watch.changed()  # no second attempt until WATCH_RETRY_SECONDS have passed
    assert time.monotonic() - started < 0.01


def _eventually(check, seconds: float = 2.0) -> bool:
    """Redis pushes the message as it runs the write; it reaches the socket soon after."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
