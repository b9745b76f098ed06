"""Rate limits keyed on the connection's address, never on a header a client can forge.

DRF's default identifies a client by X-Forwarded-For when NUM_PROXIES is unset; these
classes always use REMOTE_ADDR (set by the server, or by a trusted proxy's own middleware).
The counts live in the "throttle" cache: Redis, shared by every process, and each
process's own memory while Redis is down (library/redis_cache.py).
"""

from django.core.cache import caches
from rest_framework import throttling


class RemoteAddrMixin:
    @property
    def cache(self):
        return caches["throttle"]

    def get_ident(self, request):
        return request.META.get("REMOTE_ADDR", "")


class AnonRateThrottle(RemoteAddrMixin, throttling.AnonRateThrottle):
    pass


class TokenRateThrottle(RemoteAddrMixin, throttling.UserRateThrottle):
    """Token clients are limited per user (the address only matters for anonymous ones)."""
