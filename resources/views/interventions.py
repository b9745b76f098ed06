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
FINDINGS_TABLE_SIZE = 20  # the Summary of Qualitative Findings: the most confident
RELATED_SIZE = 12


def summary_of_findings(intervention) -> list[dict]:
    """Its stored Summary of Findings rows (`resources.certainty.grade_level`), each with
    how many of its studies and outcomes it does not name, the same for each downgrade,
    each named study's address, and the studies list narrowed to the practice and the
    row's level, where they are."""
    study_list = reverse("resources:study-list")
    urls = {}  # a study is named in several rows and downgrades: its address is found once

    def addressed(studies: list[dict]) -> list[dict]:
        for study in studies:
            if study["slug"] not in urls:
                urls[study["slug"]] = reverse("resources:study-detail", args=[study["slug"]])
        return [study | {"url": urls[study["slug"]]} for study in studies]

    rows = []
    for row in intervention.effectiveness:
        narrowed = urlencode({"intervention": intervention.slug, "outcome_level": row["level"]})
        studies = row.get("study_count", len(row["studies"]))  # stored before the bound: all
        outcomes = row.get("outcome_count", len(row["outcomes"]))
        rows.append(
            row
            | {
                "studies": addressed(row["studies"]),
                "study_count": studies,
                "more_studies": studies - len(row["studies"]),
                "more_outcomes": outcomes - len(row["outcomes"]),
                "studies_url": f"{study_list}?{narrowed}",
                "downgrades": [
                    downgrade
                    | {
                        "studies": addressed(downgrade["studies"]),
                        "more_studies": downgrade.get("study_count", len(downgrade["studies"]))
                        - len(downgrade["studies"]),
                    }
                    for downgrade in row["downgrades"]
                ],
            }
        )
    return rows


def intervention_detail(request, slug):
    # the page's evidence table is `Intervention.evidence_table`, the newest links only
    interventions = Intervention.objects.published().for_detail()
    intervention = get_object_or_404(interventions, slug=slug)
    topic_ids = [topic.pk for topic in intervention.published_topics]
    related = (
        Intervention.objects.published()
        .filter(pk__in=Intervention.objects.filter(topics__in=topic_ids).values("pk"))
        .exclude(pk=intervention.pk)
        .order_by("name")
        # a name, a link and a badge: not the profiles stored with each rating
        .only("name", "slug", "rating")[:RELATED_SIZE]
    )
    all_studies = reverse("resources:study-list") + "?" + urlencode({"intervention": slug})
    intervention.version_list = versions.history(intervention) if intervention.version > 1 else []
    experience = (intervention.evidence_profile or {}).get("experience", {})
    context = {
        "intervention": intervention,
        "summary": intervention.evidence_summary,
        "summary_of_findings": summary_of_findings(intervention),
        "links": intervention.evidence_table(EVIDENCE_TABLE_SIZE),
        "described": intervention.described_in(EVIDENCE_TABLE_SIZE),
        "qualitative_findings": list(intervention.qualitative_findings()[:FINDINGS_TABLE_SIZE]),
        "findings_total": experience.get("findings", 0),  # stored with the rating
        "all_studies_url": all_studies,
        "export_links": export_links([("intervention", slug)], intervention.published_studies),
        "feed_url": feed_url("resources:study-feed", [("intervention", slug)]),
        "alert_url": alert_url("studies", [("intervention", slug)]),
        "related": related,
    }
    return render(request, "resources/intervention_detail.html", context)
