"""Signed-in sessions end 12 hours after sign-in, however active (STAFF_SESSION_MAX_AGE).

The idle limit needs no code: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST. This
caps the whole session, so a session cookie that leaks stops working by the next day.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "signed_in_at"


def _now() -> float:
    return timezone.now().timestamp()


@receiver(user_logged_in, dispatch_uid="library.sessions.stamp_sign_in")
def stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = _now()


class StaffSessionMiddleware:
    """Sign out a session older than STAFF_SESSION_MAX_AGE; stamp one that has no stamp.

    It goes after AuthenticationMiddleware and reads only the session, so a request
    without a signed-in user costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            signed_in_at = session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                session[SIGNED_IN_AT] = _now()
            elif _now() - signed_in_at > settings.STAFF_SESSION_MAX_AGE.total_seconds():
                logout(request)
        return self.get_response(request)
