"""One paginator for the website's lists and the API's: Django's, told the list's stored
length when nothing in the query string can narrow the list (counting every published
study reads every row)."""

from collections.abc import Callable
from functools import cached_property

from django.core import paginator

KEEPS_EVERY_RECORD = {"page", "page_size", "sort", "format"}


def narrowed(params) -> bool:
    """Whether the query string may leave records out: any parameter with a value but a
    page, a page size, an order or a format. Unknown parameters count too, so a stored
    length is used only where it is certainly the list's."""
    return any(
        value.strip()
        for name in params
        if name not in KEEPS_EVERY_RECORD
        for value in params.getlist(name)
    )


class Paginator(paginator.Paginator):
    """`stored_count`, if given, returns the length of the whole list."""

    def __init__(self, object_list, per_page, *, stored_count: Callable[[], int] | None = None):
        super().__init__(object_list, per_page)
        self.stored_count = stored_count

    @cached_property
    def count(self) -> int:
        return super().count if self.stored_count is None else self.stored_count()


def paginator_for(object_list, per_page, params, stored_count=None) -> Paginator:
    """A paginator that uses `stored_count` unless `params` narrow the list."""
    return Paginator(object_list, per_page, stored_count=None if narrowed(params) else stored_count)
