from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from resources import charts, citations, tallies, versions
from resources.exports import FORMATS, MAX_EXPORT
from resources.feeds import alert_url, feed_url
from resources.filters import StudyFilterSet
from resources.models import Study
from resources.views.exports import attachment, export_links
from resources.views.listing import (
    country_pick_list,
    filter_list,
    intervention_pick_list,
    render_filtered,
    topic_pick_list,
)

PER_PAGE = 25
CITE_EXTENSIONS = {FORMATS[name].extension: name for name in ("ris", "bibtex", "csl-json")}


def study_list(request):
    listing = filter_list(
        request,
        StudyFilterSet,
        Study.objects.published().for_rows(),
        pick_lists={
            "topic": topic_pick_list(),
            "intervention": intervention_pick_list(request),
            "country": country_pick_list(),
        },
        per_page=PER_PAGE,
        count_unfiltered=tallies.published_studies,
        whole_list=True,
    )
    cited = listing.filterset.form.cleaned_data.get("cites") or []  # no query when empty
    context = {
        "cited": Study.objects.published().filter(slug__in=cited).only("slug", "title"),
        "export_links": export_links(request.GET, listing.page.paginator.count),
        "feed_url": feed_url("resources:study-feed", request.GET),
        "alert_url": alert_url("studies", request.GET),
        "max_export": MAX_EXPORT,
    }
    return render_filtered(request, "resources/study_list.html", listing, context)


def _published_study(slug: str, queryset=None) -> Study:
    if queryset is None:
        queryset = Study.objects.published().for_list()
    return get_object_or_404(queryset, slug=slug)


def study_cite(request, slug, extension):
    """One study's reference file, e.g. /studies/<slug>/cite.ris."""
    if extension not in CITE_EXTENSIONS:
        raise Http404("No such citation format.")
    study = _published_study(slug)
    export_format = FORMATS[CITE_EXTENSIONS[extension]]
    filename = f"{study.slug}.{export_format.extension}"
    return attachment(export_format.function([study]), export_format, filename)


def study_detail(request, slug):
    study = _published_study(slug, Study.objects.published().for_page())
    page_url = request.build_absolute_uri(study.get_absolute_url())
    outcomes = study.outcome_list
    study.version_list = versions.history(study) if study.version > 1 else []
    context = {
        "study": study,
        "citations": citations.format_citations(study),
        "highwire": citations.highwire_meta(study, page_url),
        "json_ld": citations.json_for_script(citations.json_ld(study, page_url)),
        "outcomes": outcomes,
        "chart": charts.outcome_chart(outcomes),
        "downloads": [
            ("RIS", reverse("resources:study-cite", args=[study.slug, "ris"])),
            ("BibTeX", reverse("resources:study-cite", args=[study.slug, "bib"])),
            ("CSL-JSON", reverse("resources:study-cite", args=[study.slug, "json"])),
        ],
    }
    return render(request, "resources/study_detail.html", context)
