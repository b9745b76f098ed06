"""Whole public pages cached for anonymous readers; any content change makes all stale.

Most readers are anonymous and read pages that change only when curators publish or edit.
Such a page is stored whole, keyed by its address, its htmx headers and the library's
generation number; `bump_generation()` (called explicitly by every write path: the
workflow, the admin, the API, seeding, restoring a backup, generating a corpus) moves
the number on, so every stored page is stale at once.

The middleware sits early, so an anonymous hit skips sessions, authentication and CSRF:
it decides from the request's cookies and Authorization header, never from the user.
It stores the response as the inner middlewares left it (with its Content-Security-Policy
and X-Frame-Options), before the outer ones add the request id and the other security
headers, which every hit therefore gets afresh.

The generation lives in the cache (`library:generation`): with Redis all processes share
it; the local-memory cache is per process, so the page cache is off by default without
Redis (settings.PAGE_CACHE_SECONDS).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.http import split_header_value

GENERATION_KEY = "library:generation"
UNCACHED_PREFIXES = ("/admin/", "/api/", "/healthz", "/readyz", "/benchmark/", "/static/")
# The request headers a page may vary on; all of them are in the key.
KEYED_HEADERS = ("HX-Request", "HX-History-Restore-Request")
HARMLESS_VARY = {"cookie", "accept-encoding", *(h.lower() for h in KEYED_HEADERS)}


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not 0, so that after the key is evicted no page stored
        # under an earlier generation can come back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def _increment() -> None:
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


def _may_store(request, response) -> bool:
    vary = {value.lower() for value in split_header_value(response.get("Vary", ""))}
    cache_control = response.get("Cache-Control", "").lower()
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and "'nonce-" not in response.get("Content-Security-Policy", "")
        and "private" not in cache_control
        and "no-store" not in cache_control
        and vary <= HARMLESS_VARY
    )


def page_key(request) -> str:
    parts = [request.build_absolute_uri(), *(request.headers.get(h, "") for h in KEYED_HEADERS)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{current_generation()}:{digest}"


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests for public pages from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = page_key(request)
        if (cached := cache.get(key)) is not None:
            return cached
        response = self.get_response(request)
        if _may_store(request, response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response
