from django.http import HttpResponse
from django.shortcuts import render

from resources.models import Intervention, Recommendation, Study, Topic


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
