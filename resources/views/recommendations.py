from itertools import groupby

from django.shortcuts import get_object_or_404, render

from resources import versions
from resources.feeds import alert_url, feed_url
from resources.filters import RecommendationFilterSet
from resources.models import EvidenceRelation, Recommendation
from resources.views.exports import export_links
from resources.views.listing import (
    filter_list,
    intervention_pick_list,
    render_filtered,
    topic_pick_list,
)


def recommendation_list(request):
    listing = filter_list(
        request,
        RecommendationFilterSet,
        Recommendation.objects.published().for_list(),
        pick_lists={"topic": topic_pick_list(), "intervention": intervention_pick_list(request)},
        whole_list=True,
    )
    return render_filtered(
        request,
        "resources/recommendation_list.html",
        listing,
        {
            "feed_url": feed_url("resources:recommendation-feed", request.GET),
            "alert_url": alert_url("recommendations", request.GET),
        },
    )


def recommendation_detail(request, slug):
    recommendation = get_object_or_404(Recommendation.objects.published().for_detail(), slug=slug)
    recommendation.version_list = (
        versions.history(recommendation) if recommendation.version > 1 else []
    )
    evidence = {
        relation: list(links)
        for relation, links in groupby(
            recommendation.published_evidence, key=lambda link: link.relation
        )
    }
    groups = [(relation.label, evidence.get(relation.value, [])) for relation in EvidenceRelation]
    return render(
        request,
        "resources/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "evidence": recommendation.detail_evidence_profile(),
            "evidence_groups": groups,
            "export_links": export_links(
                [("recommendation", slug)], len(recommendation.published_evidence)
            ),
            "feed_url": feed_url("resources:study-feed", [("recommendation", slug)]),
            "alert_url": alert_url("studies", [("recommendation", slug)]),
        },
    )
