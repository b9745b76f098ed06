"""The Redis cache backend keeps one redis-py client instead of building one per call."""

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
