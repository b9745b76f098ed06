"""Rate limits keyed on the client's address, never on a header a client can forge.

DRF's default identifies a client by X-Forwarded-For when NUM_PROXIES is unset; these
classes ask library.client_address, which reads that header only from trusted proxies.
The counts live in the "throttle" cache: Redis, shared by every process, and each
process's own memory while Redis is down (library/redis_cache.py).
"""

from django.core.cache import caches
from rest_framework import throttling

from library.client_address import client_address


class RemoteAddrMixin:
    @property
    def cache(self):
        return caches["throttle"]

    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(RemoteAddrMixin, throttling.AnonRateThrottle):
    pass


class TokenRateThrottle(RemoteAddrMixin, throttling.UserRateThrottle):
    """Token clients are limited per user (the address only matters for anonymous ones)."""
