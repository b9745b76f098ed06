"""Django's Redis cache, keeping one redis-py client per connection pool, and able to
watch a key for changes without a round trip.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call,
and redis-py fills a table of some 160 response callbacks in each new client: half a
millisecond a call on the benchmark machine, more than the round trip to Redis itself,
and most of what a page served from the cache cost. A client is safe to share between
threads (each command borrows a connection from the pool), so one per pool will do.
"""

import os
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

# After a failed attempt, a watch answers "changed" without trying again for this long.
WATCH_RETRY_SECONDS = 5


class KeyWatch:
    """Tells, by a non-blocking look at a socket, whether a key may have changed.

    Redis's server-assisted tracking (Redis 6 and newer, broadcast mode) pushes a message
    down the watch's own connection whenever the key is written, expires or is evicted,
    or the database is flushed; `changed()` reads any that have come and so costs no
    round trip. With no connection (not yet made, lost, or refused by a server without
    tracking) messages may have been missed, so the answer is yes.
    """

    CHANNEL = "__redis__:invalidate"

    def __init__(self, make_connection, redis_key: str):
        self._make_connection = make_connection
        self._key = redis_key
        self._connection = None
        self._pid = None
        self._retry_at = 0.0

    def changed(self) -> bool:
        try:
            if self._connection is None or self._pid != os.getpid():  # a forked worker
                self._subscribe()
                return True
            seen = False
            while self._connection.can_read(timeout=0):
                self._connection.read_response()
                seen = True
            return seen
        except (RedisError, OSError):
            self.close()
            self._retry_at = time.monotonic() + WATCH_RETRY_SECONDS
            return True

    def _subscribe(self) -> None:
        self._connection = None
        if time.monotonic() < self._retry_at:
            return
        connection = self._connection = self._make_connection()  # closed if this fails
        connection.connect()
        connection.send_command("CLIENT", "ID")
        own_id = connection.read_response()
        connection.send_command(
            "CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", "PREFIX", self._key
        )
        connection.read_response()  # an error reply raises ResponseError
        connection.send_command("SUBSCRIBE", self.CHANNEL)
        connection.read_response()
        self._pid = os.getpid()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.disconnect()
        self._connection = None


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def watch(self, redis_key: str) -> KeyWatch:
        pool = self._get_connection_pool(write=True)  # where writes to the key happen
        return KeyWatch(lambda: pool.connection_class(**pool.connection_kwargs), redis_key)


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def watch(self, key: str) -> KeyWatch:
        """A watch on one of this cache's keys (the key as given to `get` and `set`)."""
        return self._cache.watch(self.make_and_validate_key(key))
