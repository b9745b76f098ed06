"""Whole public pages and API reads cached for anonymous readers; any change makes all stale.

Most readers are anonymous and read pages that change only when curators publish or edit.
Such a page (or an API answer) is stored whole, keyed by its address and the headers it
may vary on (htmx's; for the API, Accept, which picks JSON or a citation format), with the
library's generation number it was rendered under. `bump_generation()` (called by every
write path: the workflow, the admin, the API, seeding, restoring a backup, generating a
corpus) moves the number on, so every stored page is stale at once. A hit reads the page
and the current number in one round trip to the cache, or in none with redis-py's
client-side caching (settings.REDIS_CLIENT_CACHE), which Redis tells of every change.

The middleware sits early, so an anonymous hit skips sessions, authentication and CSRF:
it decides from the request's cookies and Authorization header, never from the user. An
API hit also skips the anonymous rate limit, which is there to spare the server work that
a hit does not cost. Requests with a token are never cached.
It stores the response as the inner middlewares left it (with its Content-Security-Policy
and X-Frame-Options), before the outer ones add the request id and the other security
headers, which every hit therefore gets afresh.

The generation lives in the cache (`library:generation`): with Redis all processes share
it; the local-memory cache is per process, so the page cache is off by default without
Redis (settings.PAGE_CACHE_SECONDS). When Redis is down every lookup is a miss
(library.redis_cache) and pages are built from the database; a change made meanwhile is
told to Redis by the next request that finds it answering again, so no page stored before
the change outlives it.
"""

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import set_response_etag
from django.utils.http import split_header_value

GENERATION_KEY = "library:generation"
UNCACHED_PREFIXES = ("/admin/", "/healthz", "/readyz", "/benchmark/", "/static/")
API_PREFIX = "/api/"
# The request headers an answer may vary on; all of them are in the key.
PAGE_HEADERS = ("HX-Request", "HX-History-Restore-Request")
API_HEADERS = ("Accept",)
ALWAYS_HARMLESS_VARY = {"cookie", "accept-encoding"}


def current_generation() -> int:
    # Start from the clock, not 0, so that after the key is evicted no page stored under
    # an earlier generation can come back.
    generation = time.time_ns()
    if cache.add(GENERATION_KEY, generation, timeout=None):
        return generation
    return cache.get(GENERATION_KEY, 0)


# A change this process could not tell the cache about (Redis was down): told later.
_untold_change = threading.Event()


def _increment() -> None:
    try:
        told = cache.incr(GENERATION_KEY) is not None  # None: Redis is down
    except ValueError:  # evicted, or never set
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
        told = cache.get(GENERATION_KEY) is not None
    if told:
        _untold_change.clear()
    else:
        _untold_change.set()


def bump_generation() -> None:
    """Make every cached page stale: now, and again once the transaction commits.

    The second bump keeps a page rendered from the old data while the transaction was
    still open from surviving under the new generation.
    """
    _increment()
    transaction.on_commit(_increment)


def _may_use_cache(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and "Authorization" not in request.headers
    )


def _keyed_headers(request) -> tuple[str, ...]:
    return API_HEADERS if request.path.startswith(API_PREFIX) else PAGE_HEADERS


def _may_store(request, response) -> bool:
    vary = {value.lower() for value in split_header_value(response.get("Vary", ""))}
    harmless_vary = ALWAYS_HARMLESS_VARY | {h.lower() for h in _keyed_headers(request)}
    cache_control = response.get("Cache-Control", "").lower()
    content_type = "application/json" if request.path.startswith(API_PREFIX) else "text/html"
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith(content_type)
        and not response.cookies
        and "'nonce-" not in response.get("Content-Security-Policy", "")
        and "private" not in cache_control
        and "no-store" not in cache_control
        and vary <= harmless_vary
    )


def page_key(request) -> str:
    """The page's own key; the generation it was stored under is kept with it."""
    headers = _keyed_headers(request)
    parts = [request.build_absolute_uri(), *(f"{h}: {request.headers.get(h, '')}" for h in headers)]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _stored(generation: int, response) -> tuple:
    """Plain bytes and headers to store, with the ETag that ConditionalGetMiddleware would
    otherwise hash the body for on every hit. An API response pickled whole would carry its
    data, model instances and all, and every hit would unpickle them."""
    set_response_etag(response)  # only if there is none
    return generation, response.status_code, list(response.items()), response.content


def _response(stored: tuple) -> HttpResponse:
    _, status, headers, content = stored
    response = HttpResponse(content, status=status)
    for header, value in headers:
        response[header] = value
    return response


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests for public pages and the API from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = page_key(request)
        # One round trip fetches the page and the library's generation together.
        found = cache.get_many([key, GENERATION_KEY])
        generation = found.get(GENERATION_KEY)
        if generation is not None and _untold_change.is_set():
            _increment()  # Redis is back after missing a change: nothing stored is current
            return self.get_response(request)
        if generation is None:
            generation = current_generation()
        elif (stored := found.get(key)) is not None and stored[0] == generation:
            return _response(stored)
        response = self.get_response(request)
        if _may_store(request, response):
            cache.set(key, _stored(generation, response), settings.PAGE_CACHE_SECONDS)
        return response
