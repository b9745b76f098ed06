from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Intervention, Recommendation, Study, Topic


def home(request):
    counts = {
        "interventions": Intervention.objects.published().count(),
        "studies": Study.objects.published().count(),
        "recommendations": Recommendation.objects.published().count(),
        "topics": Topic.objects.published().count(),
    }
    return render(request, "resources/home.html", {"counts": counts})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def intervention_detail(request, slug):
    intervention = get_object_or_404(Intervention.objects.published(), slug=slug)
    return render(request, "resources/intervention_detail.html", {"intervention": intervention})


def study_detail(request, slug):
    study = get_object_or_404(Study.objects.published(), slug=slug)
    return render(request, "resources/study_detail.html", {"study": study})


def recommendation_detail(request, slug):
    recommendation = get_object_or_404(Recommendation.objects.published(), slug=slug)
    return render(
        request, "resources/recommendation_detail.html", {"recommendation": recommendation}
    )


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    return render(request, "resources/topic_detail.html", {"topic": topic})
