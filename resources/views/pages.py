from django.shortcuts import render

from resources import evidence_map
from resources.filters import InterventionFilterSet
from resources.models import (
    AppraisalTool,
    Certainty,
    EvidenceRating,
    Intervention,
    KirkpatrickLevel,
    Recommendation,
    RecommendationStrength,
    Study,
    StudyDesign,
    Topic,
)
from resources.rating import RULES

HOME_LIST_LENGTH = 5


def home(request):
    counts = {
        "interventions": Intervention.objects.published().count(),
        "studies": Study.objects.published().count(),
        "recommendations": Recommendation.objects.published().count(),
        "topics": Topic.objects.published().count(),
    }
    strongest = InterventionFilterSet(
        {"sort": "evidence"}, queryset=Intervention.objects.published().for_list()
    ).qs[:HOME_LIST_LENGTH]
    context = {
        "counts": counts,
        "strongest": strongest,
        "recent_studies": Study.objects.published()
        .prefetch_related("authors")
        .order_by("-published_at", "title")[:HOME_LIST_LENGTH],
        "recent_recommendations": Recommendation.objects.published().order_by(
            "-published_at", "title"
        )[:HOME_LIST_LENGTH],
    }
    return render(request, "resources/home.html", context)


def about(request):
    context = {
        "rules": RULES,
        "ratings": EvidenceRating.choices,
        "kirkpatrick_levels": [
            (level.value, level.label.removeprefix(level.value).strip())
            for level in KirkpatrickLevel
        ],
        "certainties": Certainty.choices,
        "strengths": RecommendationStrength.choices,
        "appraisal_tools": AppraisalTool.choices,
        "designs": StudyDesign.choices,
    }
    return render(request, "resources/about.html", context)


def evidence_map_page(request):
    return render(request, "resources/evidence_map.html", {"map": evidence_map.build()})


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
