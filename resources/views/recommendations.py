from django.shortcuts import get_object_or_404, render

from resources.models import Recommendation


def recommendation_detail(request, slug):
    recommendation = get_object_or_404(Recommendation.objects.published(), slug=slug)
    return render(
        request, "resources/recommendation_detail.html", {"recommendation": recommendation}
    )
