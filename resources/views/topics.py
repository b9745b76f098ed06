from django.shortcuts import get_object_or_404, render

from resources.models import Intervention, Recommendation, Study, Topic


def topic_list(request):
    return render(request, "resources/topic_list.html", {"topics": Topic.objects.published()})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    context = {
        "topic": topic,
        "interventions": Intervention.objects.published().for_list().filter(topics=topic),
        "studies": Study.objects.published().filter(topics=topic),
        "recommendations": Recommendation.objects.published().filter(topics=topic),
    }
    return render(request, "resources/topic_detail.html", context)
