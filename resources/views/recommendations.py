from itertools import groupby

from django.shortcuts import get_object_or_404, render

from resources.filters import RecommendationFilterSet
from resources.models import EvidenceRelation, Recommendation, Topic
from resources.views.exports import export_links
from resources.views.listing import (
    explain_intervention_choices,
    filter_list,
    intervention_choices,
    render_list,
)


def recommendation_list(request):
    interventions = intervention_choices(request)
    filterset, page = filter_list(
        request,
        RecommendationFilterSet,
        Recommendation.objects.published().for_list(),
        related_choices={
            "topic": Topic.objects.published().values_list("slug", "name"),
            "intervention": interventions,
        },
    )
    explain_intervention_choices(filterset.form, interventions)
    return render_list(
        request, "resources/recommendation_list.html", {"filter": filterset, "page": page}
    )


def recommendation_detail(request, slug):
    recommendation = get_object_or_404(Recommendation.objects.published().for_detail(), slug=slug)
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
            "evidence_groups": groups,
            "export_links": export_links(
                [("recommendation", slug)], len(recommendation.published_evidence)
            ),
        },
    )
