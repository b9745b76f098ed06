"""A limit on failed sign-ins per address, on top of django-axes' lock per username and
address: one address guessing at many usernames is paused too.

Failures are counted in the "throttle" cache (Redis, or each process's memory while Redis
is down) for settings.SIGN_IN_ADDRESS_WINDOW; past settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
the admin's sign-in answers 429 from that address, whatever the username.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse

from library.client_address import client_address

security_log = logging.getLogger("library.security")


def _key(request) -> str:
    return f"sign-in-failures:{client_address(request)}"


def failures_from(request) -> int:
    return caches["throttle"].get(_key(request)) or 0


@receiver(user_login_failed, dispatch_uid="library.sign_in_throttle.count_failure")
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    cache, key = caches["throttle"], _key(request)
    cache.add(key, 0, timeout=int(settings.SIGN_IN_ADDRESS_WINDOW.total_seconds()))
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between the two calls
        return
    if failures == settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
        security_log.warning(
            "Sign-in paused for an address after repeated failures",
            extra={"action": "address_paused", "address": client_address(request)},
        )


class SignInThrottleMiddleware:
    """Answer a sign-in from an address past its limit with 429, before any password check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path == reverse("admin:login")
            and failures_from(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        ):
            context = {
                "address_wide": True,
                "failure_limit": settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
                "cooloff_timedelta": settings.SIGN_IN_ADDRESS_WINDOW,
            }
            return render(request, "locked_out.html", context, status=429)
        return self.get_response(request)
