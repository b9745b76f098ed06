"""Page-number pagination that refuses bad page numbers and sizes instead of guessing."""

from functools import partial

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from resources.pagination import Paginator, narrowed

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
LARGEST = 10**18 - 1  # page numbers beyond this are refused before int() sees them


def positive_int(request, name: str, maximum: int = LARGEST) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if len(request.query_params.getlist(name)) > 1:
        raise ValidationError({name: ["Give this parameter once."]})
    if not (raw.isascii() and raw.isdigit()) or int(raw[:19]) < 1:
        raise ValidationError({name: [f"{raw[:40]!r} is not a whole number of 1 or more."]})
    if len(raw) > 18 or int(raw) > maximum:
        raise ValidationError({name: [f"{raw[:40]} is over the maximum of {maximum}."]})
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "Page {page_number} does not exist: {message}."

    def get_page_size(self, request):
        return positive_int(request, self.page_size_query_param, self.max_page_size) or (
            self.page_size
        )

    def paginate_queryset(self, queryset, request, view=None):
        """The website's paginator, given the view's stored count of its whole list
        (`count_unfiltered`) when nothing narrows the list."""
        positive_int(request, self.page_query_param)
        count_unfiltered = getattr(view, "count_unfiltered", None)
        if count_unfiltered is None or narrowed(request.query_params):
            self.django_paginator_class = Paginator
        else:
            self.django_paginator_class = partial(Paginator, stored_count=count_unfiltered)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "A page number, from 1; a page past the end is a 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": LARGEST},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": (
                    f"Results per page: {DEFAULT_PAGE_SIZE} unless given, at most {MAX_PAGE_SIZE}."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
