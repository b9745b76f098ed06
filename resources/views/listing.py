"""What every filtered HTML list shares: the FilterSet bound to the query string, a
form an educator can use without JavaScript, bad input shown as form errors (never a
500), and a page of results.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from resources import facets
from resources.filters import MAX_CHOICES, UNREPORTED
from resources.models import Country, Intervention, Topic
from resources.pagination import paginator_for

PER_PAGE = 20
# Interventions offered in a filter's pick-list: the most studied, however many there are.
INTERVENTION_PICK_LIST_SIZE = 100
# Parameters that order or page a list rather than filter it.
NOT_FILTERS = {"sort", "page"}


@dataclass
class ActiveFilter:
    """One value of a filter that is set, and the address of the list without it."""

    name: str
    text: str
    remove_url: str


@dataclass
class Hint:
    """A way out of an empty list: an address and how many results it gives."""

    text: str
    count: int
    url: str


@dataclass
class Listing:
    filterset: object
    page: Page
    query: list[tuple[str, str]]  # the parameters that set something, in a stable order
    clean: bool = True  # whether the address carries nothing else (no empty field)
    active: list[ActiveFilter] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)


def filter_list(
    request,
    filterset_class,
    queryset,
    *,
    pick_lists=None,
    defaults=None,
    per_page=PER_PAGE,
    count_unfiltered=None,
    whole_list=False,
) -> Listing:
    """Bind the FilterSet to the query string and return it with one page of results,
    the count of results each choice would give, the filters that are set and, for an
    empty page, the ways out of it.

    `pick_lists` maps a slug filter to the choices its pick-list offers (see the
    `*_pick_list` functions below). `count_unfiltered`, if given, tells the length of the
    list with no filter set (a stored count, where counting would read every row).
    `whole_list` says the queryset is every published record of its kind, so that with
    nothing set the filters' counts are the ones the write path stored.
    """
    defaults = defaults or {}
    data = request.GET.copy()
    for name, value in defaults.items():
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
    paginator = paginator_for(results, per_page, data, stored_count=count_unfiltered)
    listing = Listing(filterset, paginator.get_page(request.GET.get("page")), [])
    listing.query = clean_query(request.GET, list(filterset.form.fields), defaults)
    given = [(name, value) for name, values in request.GET.lists() for value in values]
    listing.clean = sorted(given) == sorted(listing.query)  # the order as the link had it
    listing.active = active_filters(request.path, filterset.form, listing.query)
    if not filterset.form.errors:
        if whole_list and not listing.active:
            facets.show_stored_counts(filterset)
        else:
            facets.show_counts(filterset)
        if not listing.page.object_list and listing.active:
            listing.hints = ways_out(request.path, filterset, listing)
    return listing


def clean_query(params, names: list[str], defaults: dict) -> list[tuple[str, str]]:
    """The parameters that set something, once each: filters in the form's order, then
    the rest (page) as given. A form submission sends its empty fields too."""
    order = {name: index for index, name in enumerate(names)}
    pairs = [
        (name, value)
        for name, values in params.lists()
        for value in values
        if value.strip() and defaults.get(name) != value
    ]
    return sorted(dict.fromkeys(pairs), key=lambda pair: order.get(pair[0], len(order)))


def _address(path: str, query) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _choice_labels(field) -> dict[str, str]:
    choices = getattr(field.widget, "choices", None) or getattr(field, "choices", ())
    return {str(value): str(label) for value, label in choices}


def active_filters(path: str, form, query) -> list[ActiveFilter]:
    """Each value of each filter that is set, with the address of the list without it
    (and on its first page)."""
    active = []
    rest = [(name, value) for name, value in query if name != "page"]
    for name, value in rest:
        if name in NOT_FILTERS or name not in form.fields:
            continue
        field = form.fields[name]
        labels = _choice_labels(field)
        items = value.split(",") if "," in value and labels else [value]
        for item in items:
            shown = f"\u201c{item}\u201d" if name == "q" else labels.get(item, item)
            kept = ",".join(other for other in items if other != item)
            without = [
                pair if pair != (name, value) else (name, kept)
                for pair in rest
                if pair != (name, value) or kept
            ]
            active.append(ActiveFilter(name, f"{field.label}: {shown}", _address(path, without)))
    return active


def ways_out(path: str, filterset, listing: Listing) -> list[Hint]:
    """For an empty list: each filter whose removal gives results, with how many, and
    for learner level, the studies that do not say."""
    hints = []
    rest = [pair for pair in listing.query if pair[0] != "page"]
    by_name = {}
    for active in listing.active:
        by_name.setdefault(active.name, []).append(active.text)
    for name, texts in by_name.items():
        count = facets.without(filterset, name).count()
        if count:
            without = [pair for pair in rest if pair[0] != name]
            hints.append(
                Hint(f"Remove \u201c{' or '.join(texts)}\u201d", count, _address(path, without))
            )
    field = filterset.form.fields.get("learner_level")
    chosen = filterset.form.cleaned_data.get("learner_level") or []
    counts = getattr(field.widget, "counts", None) if field else None
    if chosen and UNREPORTED not in chosen and counts and counts.get(UNREPORTED):
        label = _choice_labels(field)[UNREPORTED]
        hints.insert(
            0,
            Hint(
                f"Include \u201c{label}\u201d",
                counts[UNREPORTED],
                _address(path, [*rest, ("learner_level", UNREPORTED)]),
            ),
        )
    return hints


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


def render_filtered(request, template: str, listing: Listing, context=None):
    """A filtered list's page at its clean address: a request that carries empty,
    repeated or default parameters (as a submitted form does) is sent there, and htmx is
    told the address to show instead."""
    address = _address(request.path, listing.query)
    if not listing.clean and not request.htmx:
        return redirect(address)
    context = {
        "filter": listing.filterset,
        "page": listing.page,
        "listing": listing,
        **(context or {}),
    }
    response = render_list(request, template, context)
    if not listing.clean:
        response["HX-Push-Url"] = address
    return response


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
