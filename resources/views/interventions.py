from django.shortcuts import get_object_or_404, render

from resources.models import Intervention


def intervention_detail(request, slug):
    intervention = get_object_or_404(Intervention.objects.published(), slug=slug)
    return render(request, "resources/intervention_detail.html", {"intervention": intervention})
