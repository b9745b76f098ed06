"""The client's address: the connection's own, or, behind proxies named in
settings.TRUSTED_PROXIES, the address those proxies put in X-Forwarded-For.

X-Forwarded-For is read only when the connection comes from a trusted proxy, and then from
the right: each trusted proxy appends the address it received the request from, so the
first address from the right that is not a trusted proxy is the client. Whatever the
client wrote itself stands to the left of that and is never believed. Sign-in lockouts
(django-axes), the API's rate limits and the security log all ask this one function.
"""

from functools import lru_cache
from ipaddress import ip_address, ip_network

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]):
    return tuple(ip_network(entry, strict=False) for entry in trusted)


def is_trusted_proxy(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES or not is_trusted_proxy(address):
        return address
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop.strip() for hop in hops if hop.strip()]):
        try:
            ip_address(hop)
        except ValueError:
            break  # not an address a trusted proxy would write: the client's own text
        if not is_trusted_proxy(hop):
            return hop
        address = hop
    return address
