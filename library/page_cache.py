"""Whole public pages and API reads cached for anonymous readers; any change makes all stale.

Most readers are anonymous and read pages that change only when curators publish or edit.
Such a page (or an API answer) is stored whole, keyed by its address and the headers it
may vary on (htmx's; for the API, Accept, which picks JSON or a citation format), with the
library's generation number it was rendered under. `bump_generation()` (called explicitly
by every write path: the workflow, the admin, the API, seeding, restoring a backup,
generating a corpus) moves the number on, so every stored page is stale at once. A hit
reads the page and the current number in one round trip to Redis, or in none from the
process's own copy (below).

The middleware sits early, so an anonymous hit skips sessions, authentication and CSRF:
it decides from the request's cookies and Authorization header, never from the user. An
API hit also skips the anonymous rate limit, which is there to spare the server work that
a hit does not cost. Requests with a token are never cached.
It stores the response as the inner middlewares left it (with its Content-Security-Policy
and X-Frame-Options), before the outer ones add the request id and the other security
headers, which every hit therefore gets afresh.

The generation lives in the cache (`library:generation`): with Redis all processes share
it; the local-memory cache is per process, so the page cache is off by default without
Redis (settings.PAGE_CACHE_SECONDS).

With Redis, each process also keeps the pages it has served in its own memory
(`ProcessCopy`, settings.PAGE_CACHE_LOCAL_BYTES), so a repeat visit costs no round trip.
Redis tells the process when the generation changes (`library.redis_cache.KeyWatch`):
before each use the copy looks for that message, and on any sign of a change, or doubt,
it empties itself and goes back to Redis. Redis sends the message as it runs the write,
so another process lets go of the old pages within the time a message takes to cross
loopback; the process that wrote lets go at once. Like Django's cache connections, the
copy belongs to one thread: a threaded server keeps one per thread.
"""

import hashlib
import time
import weakref
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache, caches
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
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not 0, so that after the key is evicted no page stored
        # under an earlier generation can come back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


class ProcessCopy:
    """The pages this process has served lately, kept while Redis reports no change to the
    generation: least recently used first out, within `max_bytes` of bodies."""

    def __init__(self, watch, max_bytes: int):
        self._watch = watch
        self._max_bytes = max_bytes
        self._pages = OrderedDict()  # key: (expires, stored)
        self._bytes = 0

    def get(self, key: str) -> tuple | None:
        if self._watch.changed():
            self.clear()
            return None
        if (entry := self._pages.get(key)) is None:
            return None
        expires, stored = entry
        if expires < time.monotonic():
            self._drop(key)
            return None
        self._pages.move_to_end(key)
        return stored

    def keep(self, key: str, stored: tuple, seconds: int) -> None:
        size = len(stored[-1])
        if size > self._max_bytes:
            return
        if key in self._pages:
            self._drop(key)
        while self._pages and self._bytes + size > self._max_bytes:
            self._drop(next(iter(self._pages)))
        self._pages[key] = (time.monotonic() + seconds, stored)
        self._bytes += size

    def clear(self) -> None:
        self._pages.clear()
        self._bytes = 0

    def _drop(self, key: str) -> None:
        _, stored = self._pages.pop(key)
        self._bytes -= len(stored[-1])


_copies = weakref.WeakKeyDictionary()  # cache backend: its ProcessCopy, or None


def process_copy() -> ProcessCopy | None:
    """This process's copy of pages from the default cache, when that cache can watch the
    generation for changes (Redis) and the copy is not turned off."""
    backend = caches["default"]
    try:
        return _copies[backend]
    except KeyError:
        copy = None
        if hasattr(backend, "watch") and settings.PAGE_CACHE_LOCAL_BYTES > 0:
            copy = ProcessCopy(backend.watch(GENERATION_KEY), settings.PAGE_CACHE_LOCAL_BYTES)
        _copies[backend] = copy
        return copy


def _increment() -> None:
    if (copy := _copies.get(caches["default"])) is not None:
        copy.clear()  # at once: Redis's message to this process's watch may not be in yet
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted, or never set
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


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
        copy = process_copy()
        if copy is not None and (stored := copy.get(key)) is not None:
            return _response(stored)
        # One round trip fetches the page and the library's generation together.
        found = cache.get_many([key, GENERATION_KEY])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation()
        elif (stored := found.get(key)) is not None and stored[0] == generation:
            if copy is not None:
                copy.keep(key, stored, settings.PAGE_CACHE_SECONDS)
            return _response(stored)
        response = self.get_response(request)
        if _may_store(request, response):
            cache.set(key, _stored(generation, response), settings.PAGE_CACHE_SECONDS)
        return response
