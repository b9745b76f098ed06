"""Liveness and readiness, told apart so an orchestrator restarts only what is broken."""

from django.db import connection
from django.http import HttpResponse

from library.errors import OUTAGE_ERRORS, RETRY_AFTER_SECONDS


def healthz(request):
    """The process answers; says nothing about the database."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """The database answers a query; 503 with Retry-After when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OUTAGE_ERRORS:
        response = HttpResponse("database unavailable", status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ready", content_type="text/plain")
