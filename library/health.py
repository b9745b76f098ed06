"""Liveness and readiness, told apart so an orchestrator restarts only what is broken."""

import uuid

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.http import HttpResponse

from library.errors import OUTAGE_ERRORS, RETRY_AFTER_SECONDS

CACHE_PROBE_KEY = "library:readyz"


def healthz(request):
    """The process answers; says nothing about the database."""
    return HttpResponse("ok", content_type="text/plain")


def cache_state() -> str:
    """ "ok", "off", or "degraded" when the cache (Redis) cannot store and read back a value.

    The cache is optional: without it pages are built from the database, so a degraded
    cache is reported but does not make the process unready.
    """
    cache = caches["default"]
    if isinstance(cache, DummyCache):
        return "off"
    # one round trip: a new key is stored only when the cache answers (it expires soon)
    stored = cache.add(f"{CACHE_PROBE_KEY}:{uuid.uuid4().hex}", 1, timeout=5)
    return "ok" if stored else "degraded"


def readyz(request):
    """Ready while the database answers a query (503 with Retry-After when it does not);
    the body also says how the cache is."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OUTAGE_ERRORS:
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    body = f"ready\ndatabase: ok\ncache: {cache_state()}\n"
    return HttpResponse(body, content_type="text/plain")
