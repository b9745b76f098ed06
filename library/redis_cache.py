"""Django's Redis cache, made optional at run time: a Redis that fails is a cache miss.

Redis holds the page cache and the API's rate limits, never anything the library needs to
answer. So when Redis refuses connections, or accepts them and never answers, a call
gives up after a short timeout (the OPTIONS in settings.CACHES) and the caller sees a
miss: pages are built from the database. After `FAILURES_BEFORE_SKIPPING` failures in a
row the process skips Redis for `SKIP_SECONDS` rather than wait on it in every request,
logs that once, and logs again when Redis answers.

With redis-py's client-side caching on (settings.REDIS_CLIENT_CACHE: RESP3 and a
`cache_config` in the OPTIONS), redis-py refuses a Redis older than 7.4 at every
connection. That is not a fault of Redis: the cache logs it once and goes on without
client-side caching, every hit making its round trip as before.

Only the cache's public methods are overridden, and Django's own `RedisCache` does the
work, with one client class pinned to Django 6.1 (`KeptClientRedisCacheClient`).
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("library.cache")

FAILURES_BEFORE_SKIPPING = 2
SKIP_SECONDS = 30
# redis-py raises its own errors for most faults, but a socket can fail under it too
REDIS_FAULTS = (RedisError, OSError)
# what redis-py's ConnectionError says when the server is too old for client-side caching
CLIENT_CACHE_REFUSED = "client-side caching is supported by Redis"
CLIENT_CACHE_OPTIONS = ("protocol", "cache_config")


class Breaker:
    """One Redis server's health as this process has seen it; shared by its threads."""

    def __init__(self, location: str):
        self.location = location
        self._lock = threading.Lock()
        self._failures = 0
        self._skip_until = 0.0
        self._skipping = False

    def skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    def failed(self, error: Exception) -> None:
        with self._lock:
            self._failures += 1
            if self._failures < FAILURES_BEFORE_SKIPPING:
                return
            self._skip_until = time.monotonic() + SKIP_SECONDS
            if self._skipping:
                return  # still down after a retry: said already
            self._skipping = True
        logger.warning(
            "Redis failed %d times in a row (%s); skipping it for %d s: pages are built "
            "from the database and rate limits are kept per process",
            FAILURES_BEFORE_SKIPPING,
            error.__class__.__name__,
            SKIP_SECONDS,
            extra={"action": "cache_skipped", "cache": self.location},
        )

    def succeeded(self) -> None:
        if not self._failures:
            return
        with self._lock:
            recovered, self._skipping, self._failures = self._skipping, False, 0
        if recovered:
            logger.warning(
                "Redis answers again", extra={"action": "cache_back", "cache": self.location}
            )


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()
_told_client_cache_refused: set[str] = set()


def breaker_for(location: str) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker(location))


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis for each connection pool.

    Works around Django 6.1 (django/core/cache/backends/redis.py): its
    `RedisCacheClient.get_client()` builds a new redis.Redis, with its table of reply
    callbacks, for every cache call, which cost a page cache hit a quarter to a third of its
    CPU time. A redis.Redis is safe to share between threads. It relies on the client's
    private `_get_connection_pool_index` and the cache's `_class`, so it is pinned:
    pyproject.toml allows Django 6.1 only, and tests/test_redis_cache.py fails on another
    version until this is checked against it (or dropped, if Django keeps its client).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if (client := self._clients.get(index)) is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class KeptClientRedisCache(RedisCache):
    """Django's RedisCache with `KeptClientRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient


class ResilientRedisCache(KeptClientRedisCache):
    """Django's RedisCache where a Redis fault, or a Redis being skipped, is a miss."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.server, self.params = server, params
        self.breaker = breaker_for(server if isinstance(server, str) else ",".join(server))
        # asked instead once Redis has refused client-side caching as too old
        self.without_client_cache: KeptClientRedisCache | None = None

    def available(self) -> bool:
        """False while this process skips Redis after repeated failures."""
        return not self.breaker.skipping()

    def _refused_client_cache(self, error: Exception) -> bool:
        """True when `error` is Redis refusing client-side caching as too old: from then on
        this cache asks a RedisCache of the same settings without it."""
        options = self.params.get("OPTIONS", {})
        if CLIENT_CACHE_REFUSED not in str(error) or "cache_config" not in options:
            return False
        plain = {name: value for name, value in options.items() if name not in CLIENT_CACHE_OPTIONS}
        self.without_client_cache = KeptClientRedisCache(
            self.server, {**self.params, "OPTIONS": plain}
        )
        with _breakers_lock:
            first_time = self.breaker.location not in _told_client_cache_refused
            _told_client_cache_refused.add(self.breaker.location)
        if first_time:
            logger.warning(
                "Redis is older than 7.4, so client-side caching (DJANGO_REDIS_CLIENT_CACHE) "
                "is off: every page cache hit asks Redis",
                extra={"action": "client_cache_off", "cache": self.breaker.location},
            )
        return True

    def _down(self, name: str, *args, **kwargs):
        """What a call answers while Redis is down: a miss, and writes are lost."""
        if name in ("get",):
            return kwargs.get("default", args[1] if len(args) > 1 else None)
        if name == "get_many":
            return {}
        if name == "set_many":
            return list(args[0])  # the keys that were not stored
        if name in ("add", "delete", "touch", "has_key", "clear"):
            return False
        return None  # set, delete_many; incr: no new value

    def _call(self, name: str, args, kwargs):
        if self.breaker.skipping():
            return self._down(name, *args, **kwargs)
        cache = super() if self.without_client_cache is None else self.without_client_cache
        try:
            result = getattr(cache, name)(*args, **kwargs)
        except REDIS_FAULTS as error:
            if self.without_client_cache is None and self._refused_client_cache(error):
                return self._call(name, args, kwargs)  # without it, at once
            self.breaker.failed(error)
            return self._down(name, *args, **kwargs)
        self.breaker.succeeded()
        return result

    def get(self, *args, **kwargs):
        return self._call("get", args, kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", args, kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", args, kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", args, kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", args, kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", args, kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", args, kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", args, kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", args, kwargs)

    def incr(self, *args, **kwargs):
        """The new value; None when Redis is down (ValueError, as Django's, for no key)."""
        return self._call("incr", args, kwargs)

    def clear(self):
        return self._call("clear", (), {})


class RedisOrLocalMemoryCache(ResilientRedisCache):
    """For the API's rate limits: while Redis is down, each process keeps its own counts
    in local memory, so a client is still limited, per process, rather than not at all."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.local = LocMemCache(f"redis-fallback-{self.breaker.location}", params)

    def _down(self, name: str, *args, **kwargs):
        return getattr(self.local, name)(*args, **kwargs)
