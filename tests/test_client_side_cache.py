"""Client-side caching (DJANGO_REDIS_CLIENT_CACHE) against a real Redis 8, not a mock.

redis-py keeps what Redis sent and answers a repeat read from it; Redis tells it (RESP3
invalidation pushes) when a key it read changes. So a page cache hit makes no round
trip, and a bump of the generation by another worker still reaches it. Redis 8 is built
by `make redis` (which `make test` runs); each test starts its own on a free port.
"""

import logging
import socket
import subprocess
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from library import redis_cache
from library.page_cache import bump_generation
from library.redis_cache import ResilientRedisCache
from tests.factories import TopicFactory
from tests.test_production_settings import manage

redis = pytest.importorskip("redis")
from redis.cache import CacheConfig  # noqa: E402  (after the skip when redis is absent)

PROJECT = Path(__file__).resolve().parents[1]
REDIS_SERVER = PROJECT / ".venv" / "redis-server"  # `make redis`
TOPICS = reverse("resources:topic-list")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis8:
    """A Redis 8 of this test's own, which the test may kill and start again."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                *("--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # one connection, kept, for counting commands (a new one would add its handshake)
        self.admin = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.admin.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.02)

    def kill(self) -> None:
        self.admin.close()
        self.process.kill()
        self.process.wait()

    def commands(self) -> int:
        """Commands Redis has run so far, this INFO not counted (each INFO counts the last)."""
        return self.admin.info("stats")["total_commands_processed"]


@pytest.fixture
def redis8(tmp_path):
    if not REDIS_SERVER.exists():
        pytest.skip("Redis 8 is not built: `make redis`")
    server = Redis8(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def cached_backend(location: str) -> dict:
    return {
        "BACKEND": "library.redis_cache.ResilientRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "test",
        "OPTIONS": {
            "socket_connect_timeout": 0.2,
            "socket_timeout": 0.2,
            "protocol": 3,
            "cache_config": CacheConfig(max_size=100),
        },
    }


@pytest.fixture
def two_workers(settings, redis8):
    """The page cache over Redis 8 with client-side caching, as two gunicorn workers would
    have it: this process's `default` cache, and another with a connection pool of its own."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {**settings.CACHES, "default": cached_backend(redis8.url)}
    other = ResilientRedisCache(redis8.url, cached_backend(redis8.url))
    yield caches["default"], other
    for backend in (caches["default"], other):
        for pool in backend._cache._pools.values():
            pool.disconnect()


def visit(path=TOPICS) -> bytes:
    response = Client().get(path)
    assert response.status_code == 200
    return response.content


def eventually_shows(text: bytes, seconds: float = 2.0) -> bool:
    """Invalidation is pushed by Redis: on one machine it arrives within microseconds, but
    a busy test machine may take longer between the other worker's write and the read."""
    deadline = time.monotonic() + seconds
    while text not in visit():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def kept(redis8, tries: int = 10) -> bool:
    """Visit until a visit makes no round trip (a miss stores the page, and the next read
    from Redis is kept), and say whether it came to that."""
    for _ in range(tries):
        before = redis8.commands()
        visit()
        if redis8.commands() - before == 1:  # the INFO in `before`, nothing else
            return True
    return False


@pytest.mark.django_db
def test_a_hit_is_answered_without_a_round_trip_to_redis(two_workers, redis8):
    TopicFactory(name="Mentorship")
    first = visit()  # a miss: rendered and stored
    assert visit() == first  # read from Redis, and kept by redis-py
    before = redis8.commands()
    for _ in range(5):
        assert visit() == first
    assert redis8.commands() - before == 1  # the INFO in `before`, nothing else


@pytest.mark.django_db
def test_a_bump_by_another_worker_reaches_the_kept_page(two_workers, redis8):
    _, other = two_workers
    assert kept(redis8)
    TopicFactory(name="Simulation")  # behind the cache's back
    assert b"Simulation" not in visit()
    with mock.patch("library.page_cache.cache", other):
        bump_generation()  # the other worker publishes
    assert eventually_shows(b"Simulation")
    assert kept(redis8)
    assert b"Simulation" in visit()


@pytest.mark.django_db
def test_with_redis_8_killed_pages_come_from_the_database_and_caching_comes_back(
    two_workers, redis8, monkeypatch
):
    monkeypatch.setattr(redis_cache, "SKIP_SECONDS", 0.2)
    assert kept(redis8)
    redis8.kill()
    TopicFactory(name="Simulation")
    with mock.patch("library.page_cache.cache", two_workers[1]):
        bump_generation()  # told to no one: Redis is down
    for _ in range(3):
        assert b"Simulation" in visit()  # the kept copy went with the connection
    redis8.start()  # empty, on the same port
    time.sleep(0.3)  # past the breaker's skip
    assert b"Simulation" in visit()
    assert kept(redis8)
    assert b"Simulation" in visit()


@pytest.mark.django_db
def test_against_a_redis_older_than_7_4_it_logs_once_and_goes_on_without(settings, caplog):
    """The machine's own Redis (Debian bookworm's is 7.0): redis-py refuses to cache."""
    location = "redis://127.0.0.1:6379/15"
    try:
        with redis.Redis.from_url(location, socket_timeout=0.5) as probe:
            version = probe.info("server")["redis_version"]
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    if tuple(int(part) for part in version.split(".")[:2]) >= (7, 4):
        pytest.skip(f"the Redis on 6379 is {version}, new enough for client-side caching")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "default": cached_backend(location) | {"KEY_PREFIX": prefix},
    }
    redis_cache._told_client_cache_refused.discard(location)
    TopicFactory(name="Mentorship")
    with caplog.at_level(logging.WARNING, logger="library.cache"):
        for _ in range(3):
            assert b"Mentorship" in visit()
    assert caches["default"].available()
    with redis.Redis.from_url(location) as client:
        stored = list(client.scan_iter(match=f"{prefix}:*"))
        assert stored  # the page and the generation, without client-side caching
        client.delete(*stored)
    actions = [getattr(record, "action", None) for record in caplog.records]
    assert actions.count("client_cache_off") == 1
    assert "cache_skipped" not in actions


def test_the_setting_gives_the_page_cache_client_side_caching_and_not_the_rate_limits(redis8):
    script = (
        "from django.core.cache import caches\n"
        "page, throttle = caches['default'], caches['throttle']\n"
        "page.set('k', b'v', 60); throttle.set('k', b'v', 60)\n"
        "page.get('k'); page.get('k'); throttle.get('k')\n"
        "print(page._cache._get_connection_pool(False).cache.size,"
        " throttle._cache._get_connection_pool(False).cache)\n"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        REDIS_URL=redis8.url,
        DJANGO_REDIS_CLIENT_CACHE="1",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "None"]  # one read kept; the rate limits keep none
