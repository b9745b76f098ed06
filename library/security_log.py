"""Security events as log lines on the "library.security" logger, one JSON object each.

Every line says what happened ("action"), to or by whom ("user", or the "username" tried)
and from where ("address", as library.client_address reads it); the formatter adds the time and
the request id. Nothing here ever logs a password, a token or a request header.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from library.client_address import client_address

logger = logging.getLogger("library.security")

ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
GUARDED_PATHS = ("/api/", "/admin/")


def _address(request) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_login_failed, dispatch_uid="library.security_log.login_failed")
def login_failed(sender, credentials, request=None, second_factor=False, **kwargs):
    # only the username is taken from the credentials: the rest may hold the password
    logger.warning(
        "Sign-in failed: wrong authenticator code" if second_factor else "Sign-in failed",
        extra={
            "action": "otp_failed" if second_factor else "login_failed",
            "username": str(credentials.get("username", "")),
            "address": _address(request),
        },
    )


@receiver(user_locked_out, dispatch_uid="library.security_log.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    logger.warning(
        "Sign-in locked out after repeated failures",
        extra={"action": "locked_out", "username": username, "address": ip_address},
    )


@receiver(user_logged_in, dispatch_uid="library.security_log.logged_in")
def logged_in(sender, request, user, **kwargs):
    logger.info(
        "Signed in",
        extra={"action": "login", "user": user.get_username(), "address": _address(request)},
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="library.security_log.admin_change")
def admin_change(sender, instance, created, **kwargs):
    if not created:
        return
    logger.info(
        "Admin change",
        extra={
            "action": f"admin_{ADMIN_ACTIONS.get(instance.action_flag, 'other')}",
            "user": instance.user.get_username(),
            "object_type": str(instance.content_type) if instance.content_type_id else None,
            "object_id": None if instance.object_id is None else str(instance.object_id),
            "object": instance.object_repr,
            "change_message": instance.get_change_message(),
        },
    )


class AccessDeniedLogMiddleware:
    """Log each 401 and 403 answered on the API or the admin: who asked for what, and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403) and request.path.startswith(GUARDED_PATHS):
            user = getattr(request, "user", None)
            logger.warning(
                "Access denied",
                extra={
                    "action": "access_denied",
                    "status": response.status_code,
                    "method": request.method,
                    "path": request.path,
                    "user": user.get_username() if user and user.is_authenticated else None,
                    "address": _address(request),
                },
            )
        return response
