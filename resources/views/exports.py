"""Reference files of any list of studies, and the links that offer them.

Every list of studies (the studies list, a topic, an intervention's studies, a
recommendation's evidence, search results) is the studies list under some filters, so
one view exports them all: `/studies/export/?format=ris&topic=anti-racism`. A file is
named after what it holds, e.g. `studies-topic-anti-racism-2026-12-07.ris`.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from resources.exports import FORMATS, MAX_EXPORT
from resources.filters import StudyFilterSet
from resources.models import Study

FORMAT_LABELS = {"ris": "RIS", "bibtex": "BibTeX", "csv": "CSV", "csl-json": "CSL-JSON"}
# Parameters that choose the file or the page, not which studies are in it.
NOT_FILTERS = {"format", "page", "page_size", "sort"}
# How a filter reads in a file name; the rest go by their own names.
NAME_PARTS = {"q": "search"}
LONGEST_NAME = 120


def filters_of(params) -> list[tuple[str, str]]:
    """The filters set in a query (a QueryDict or a list of pairs), empty ones left out."""
    pairs = params.lists() if hasattr(params, "lists") else [(k, [v]) for k, v in params]
    return [
        (key, value)
        for key, values in pairs
        if key not in NOT_FILTERS
        for value in values
        if value.strip()
    ]


def export_links(params, total: int) -> list[tuple[str, str]]:
    """(label, address) for each format, exporting exactly the list these filters give:
    every page of it. None when the list is empty or larger than one export holds."""
    if not total or total > MAX_EXPORT:
        return []
    query = filters_of(params)
    base = reverse("resources:study-export")
    return [
        (FORMAT_LABELS[name], f"{base}?{urlencode([('format', name), *query])}") for name in FORMATS
    ]


def export_filename(params, extension: str) -> str:
    """`studies-topic-anti-racism-2026-12-07.ris`: what the file holds and when it was
    made, in the FilterSet's order of filters so that one list always gets one name."""
    order = list(StudyFilterSet.base_filters)
    query = sorted(
        filters_of(params),
        key=lambda pair: (order.index(pair[0]) if pair[0] in order else len(order), pair),
    )
    parts = ["studies"]
    for key, value in query:
        parts += [NAME_PARTS.get(key, key.replace("_", "-")), slugify(value)]
    name = "-".join(part for part in parts if part)[:LONGEST_NAME].rstrip("-")
    return f"{name}-{timezone.localdate().isoformat()}.{extension}"


def attachment(content: str, export_format, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=export_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def study_export(request):
    """A filtered list of studies as a reference file: every page of it, up to MAX_EXPORT."""
    name = request.GET.get("format", "")
    if name not in FORMATS:
        return bad_request(f"Unknown export format {name!r}. Choose one of: {', '.join(FORMATS)}.")
    filterset = StudyFilterSet(request.GET, queryset=Study.objects.published().for_list())
    if not filterset.is_valid():
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
        )
        return bad_request(f"These filters are not valid: {problems}")
    try:
        studies = filterset.qs
        total = studies.count()
    except ValidationError as error:
        return bad_request(f"These filters are not valid: {' '.join(error.messages)}")
    if total > MAX_EXPORT:
        return bad_request(
            f"This list has {total} studies; an export holds at most {MAX_EXPORT}. "
            "Narrow the filters and export again."
        )
    export_format = FORMATS[name]
    filename = export_filename(request.GET, export_format.extension)
    return attachment(export_format.function(studies), export_format, filename)
