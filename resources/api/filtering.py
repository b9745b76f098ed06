"""The website's FilterSets, with two refusals the API adds for scripts' sake: a one-value
filter given twice, and a slug list with something that is not a slug in it."""

from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from resources.filters import SlugsFilter
from resources.models.base import SLUG

SLUG_PATTERN = f"^{SLUG.pattern}$"


class FilterBackend(DjangoFilterBackend):
    """Django keeps the last of repeated values silently; a script deserves to be told.

    A query string that names no filter leaves the list whole: building the FilterSet and
    its form only to find that out took a tenth of an unfiltered page's time.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not any(name in filterset_class.base_filters for name in request.query_params):
            return queryset
        repeated = {
            name: ["Give this parameter once (separate several values with commas)."]
            for name, field in filterset_class.base_filters.items()
            if not isinstance(field, filters.MultipleChoiceFilter)
            and len(request.query_params.getlist(name)) > 1
        }
        malformed = {
            name: ["Give slugs (letters, digits, - and _) separated by commas."]
            for name, field in filterset_class.base_filters.items()
            if isinstance(field, SlugsFilter)
            and (value := request.query_params.get(name))
            and not all(SLUG.fullmatch(item) for item in value.split(","))
        }
        if repeated or malformed:
            raise ValidationError(repeated | malformed)
        return super().filter_queryset(request, queryset, view)
