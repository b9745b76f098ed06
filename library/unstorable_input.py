"""Refuse addresses holding characters no database column can store, before any view.

PostgreSQL text cannot hold NUL (U+0000): a query comparing a column with such a value
fails, and would be a 500 wherever a slug or a filter reaches the database. A NUL in the
path is a 404 (no record can have that slug); in the query string, a 400 that names the
parameter, in JSON for the API and as a page for people.
"""

from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse

from library.request_id import current_request_id

UNSTORABLE = "\x00"
MESSAGE = "Null characters are not allowed."


def _unstorable_parameter(request) -> str | None:
    for name, values in request.GET.lists():
        if UNSTORABLE in name or any(UNSTORABLE in value for value in values):
            return name.replace(UNSTORABLE, "") or "query"
    return None


class UnstorableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if UNSTORABLE in request.path:
            raise Http404("No record has such an address.")  # the site's or the API's 404
        if (name := _unstorable_parameter(request)) is not None:
            if request.path.startswith("/api/"):
                errors = {name: [MESSAGE]}
                return JsonResponse(
                    {"errors": errors, "request_id": current_request_id()}, status=400
                )
            response = TemplateResponse(
                request, "400.html", {"parameter": name, "message": MESSAGE}, status=400
            )
            return response.render()
        return self.get_response(request)
