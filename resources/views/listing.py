"""What every filtered HTML list shares: the FilterSet bound to the query string, a
form an educator can use without JavaScript, bad input shown as form errors (never a
500), and a page of results.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from resources.filters import MAX_CHOICES, narrows
from resources.models import Country, Intervention, Topic

PER_PAGE = 20
# Interventions offered in a filter's pick-list: the most studied, however many there are.
INTERVENTION_PICK_LIST_SIZE = 100


def filter_list(
    request,
    filterset_class,
    queryset,
    *,
    pick_lists=None,
    defaults=None,
    per_page=PER_PAGE,
    count_unfiltered=None,
):
    """Bind the FilterSet to the query string and return it with one page of results.

    `pick_lists` maps a slug filter to the choices its pick-list offers (see the
    `*_pick_list` functions below). `count_unfiltered`, if given, tells the length of the
    list with no filter set (a stored count, where counting would read every row).
    """
    data = request.GET.copy()
    for name, value in (defaults or {}).items():
        if not data.get(name):
            data[name] = value
    filterset = filterset_class(data, queryset=queryset, request=request)
    for name, (choices, note) in (pick_lists or {}).items():
        filterset.form.offer(name, choices, note)
    try:
        results = filterset.qs
    except ValidationError as error:  # a filter method refusing its input, e.g. too many slugs
        filterset.form.add_error(None, error)
        results = filterset.queryset.none()
    paginator = Paginator(results, per_page)
    if count_unfiltered and not filterset.form.errors and not narrows(filterset):
        paginator.count = count_unfiltered()
    return filterset, paginator.get_page(request.GET.get("page"))


def topic_pick_list():
    return Topic.objects.published().values_list("slug", "name"), ""


def country_pick_list():
    return Country.objects.with_published_studies().values_list("code", "name"), ""


def intervention_pick_list(request):
    """The most studied interventions and any the query string chose, saying so when the
    list leaves some out and where to find the rest."""
    chosen = [slug for slug in request.GET.get("intervention", "").split(",") if slug]
    choices = list(
        Intervention.objects.published().for_pick_list(
            chosen[:MAX_CHOICES], size=INTERVENTION_PICK_LIST_SIZE
        )
    )
    note = ""
    if len(choices) >= INTERVENTION_PICK_LIST_SIZE:
        note = (
            f"The {INTERVENTION_PICK_LIST_SIZE} most studied interventions; every "
            "intervention's own page links to its studies."
        )
    return choices, note


def render_list(request, template: str, context: dict):
    """The whole page, or only its `results` partial when htmx swaps the results in.

    A history restore asks for the whole page, and `Vary` keeps caches from serving one
    response for the other.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
