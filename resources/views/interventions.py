from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from resources import versions
from resources.feeds import alert_url, feed_url
from resources.filters import InterventionFilterSet
from resources.models import Intervention
from resources.views.exports import export_links
from resources.views.listing import filter_list, render_filtered, topic_pick_list


def intervention_list(request):
    listing = filter_list(
        request,
        InterventionFilterSet,
        Intervention.objects.published().for_list(),
        pick_lists={"topic": topic_pick_list()},
        defaults={"sort": "evidence"},
        whole_list=True,
    )
    return render_filtered(request, "resources/intervention_list.html", listing)


# The page's evidence table and related list stay a page long, however large the library.
EVIDENCE_TABLE_SIZE = 25
RELATED_SIZE = 12


def intervention_detail(request, slug):
    # the page's evidence table is `Intervention.evidence_table`, the newest links only
    interventions = Intervention.objects.published().for_list().with_published_recommendations()
    intervention = get_object_or_404(interventions, slug=slug)
    topic_ids = [topic.pk for topic in intervention.published_topics]
    related = (
        Intervention.objects.published()
        .filter(pk__in=Intervention.objects.filter(topics__in=topic_ids).values("pk"))
        .exclude(pk=intervention.pk)
        .order_by("name")[:RELATED_SIZE]
    )
    all_studies = reverse("resources:study-list") + "?" + urlencode({"intervention": slug})
    intervention.version_list = versions.history(intervention) if intervention.version > 1 else []
    context = {
        "intervention": intervention,
        "summary": intervention.evidence_summary,
        "links": intervention.evidence_table(EVIDENCE_TABLE_SIZE),
        "described": intervention.described_in(EVIDENCE_TABLE_SIZE),
        "qualitative_findings": list(intervention.qualitative_findings()),
        "all_studies_url": all_studies,
        "export_links": export_links([("intervention", slug)], intervention.published_studies),
        "feed_url": feed_url("resources:study-feed", [("intervention", slug)]),
        "alert_url": alert_url("studies", [("intervention", slug)]),
        "related": related,
    }
    return render(request, "resources/intervention_detail.html", context)
