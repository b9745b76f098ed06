from django.shortcuts import render

from resources import evidence_map, tallies
from resources.certainty import CERQUAL_RULES, GRADE_RULES
from resources.filters import InterventionFilterSet
from resources.models import (
    AppraisalTool,
    BiasDomain,
    Certainty,
    EffectCertainty,
    Holdings,
    Intervention,
    KirkpatrickLevel,
    LinkType,
    Recommendation,
    RecommendationStrength,
    Study,
    StudyDesign,
    Topic,
)
from resources.views.listing import filter_list, render_filtered, topic_pick_list

HOME_LIST_LENGTH = 5


def home(request):
    counts = {
        "interventions": Intervention.objects.published().count(),
        "studies": tallies.published_studies(),  # stored: a count would read every one
        "recommendations": Recommendation.objects.published().count(),
        "topics": Topic.objects.published().count(),
    }
    strongest = Intervention.objects.published().for_list().strongest_first()[:HOME_LIST_LENGTH]
    context = {
        "counts": counts,
        "strongest": strongest,
        # the heading promises an evaluated practice only where there is one
        "any_evaluated": any(
            intervention.rating != EffectCertainty.NOT_EVALUATED for intervention in strongest
        ),
        "recent_studies": Study.objects.published()
        .for_rows()
        .order_by("-published_at", "title")[:HOME_LIST_LENGTH],
        "recent_recommendations": Recommendation.objects.published().order_by(
            "-published_at", "title"
        )[:HOME_LIST_LENGTH],
    }
    return render(request, "resources/home.html", context)


def about(request):
    context = {
        "grade_rules": GRADE_RULES,
        "cerqual_rules": CERQUAL_RULES,
        "ratings": EffectCertainty.choices,
        "kirkpatrick_levels": [
            (level.value, level.label.removeprefix(level.value).strip())
            for level in KirkpatrickLevel
        ],
        "certainties": Certainty.choices,
        "link_types": [(kind.value, kind.label, kind.meaning) for kind in LinkType],
        "holdings": Holdings.choices,
        "strengths": RecommendationStrength.choices,
        "appraisal_tools": AppraisalTool.choices,
        "bias_domains": BiasDomain.choices,
        "designs": StudyDesign.choices,
    }
    return render(request, "resources/about.html", context)


def evidence_map_page(request):
    """The map, a page of interventions at a time, filtered as the interventions list is."""
    listing = filter_list(
        request,
        InterventionFilterSet,
        evidence_map.mapped_interventions(),
        pick_lists={"topic": topic_pick_list()},
        defaults={"sort": "name"},
        per_page=evidence_map.PER_PAGE,
        whole_list=True,
    )
    page = listing.page
    context = {
        "filtered": bool(listing.active),
        "map": evidence_map.build(page.object_list),
        "gaps": evidence_map.count_gaps(page.paginator.object_list, page.paginator.count),
    }
    return render_filtered(request, "resources/evidence_map.html", listing, context)


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
