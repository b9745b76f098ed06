"""Error responses: the site's own pages for people, JSON for the API, 503 for outages.

A database that cannot be reached is an outage, not a bug: readers get a 503 with
Retry-After in the site's style (the API gets JSON), and the next request after the
database returns is served normally because connections are reopened per request.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse

from library.request_id import current_request_id

RETRY_AFTER_SECONDS = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"errors": {"detail": [detail]}, "request_id": current_request_id()}, status=status
    )


def service_unavailable(request) -> HttpResponse:
    if _is_api(request):
        response = _json(503, "The database is unavailable; try again shortly.")
    else:
        body = loader.render_to_string("503.html", {"request_id": current_request_id()})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """Django's handler500, told apart from an outage by the exception being handled."""
    if isinstance(sys.exception(), OUTAGE_ERRORS):
        return service_unavailable(request)
    if _is_api(request):
        return _json(500, "Something went wrong on our side; it has been logged.")
    try:
        body = loader.render_to_string("500.html", {"request_id": current_request_id()})
    except Exception:  # the error page itself must not fail: plain words, then
        body = f"Something went wrong on our side. Reference: {current_request_id()}"
        return HttpResponse(body, status=500, content_type="text/plain")
    return HttpResponse(body, status=500)


def page_not_found(request, exception):
    if _is_api(request):
        return _json(404, "Not found.")
    return TemplateResponse(request, "404.html", status=404)


class OutageMiddleware:
    """Answer 503 when a view meets an unreachable database, before Django logs a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            return service_unavailable(request)
        return None
