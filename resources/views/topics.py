from django.shortcuts import get_object_or_404, render

from resources.models import Topic


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    return render(request, "resources/topic_detail.html", {"topic": topic})
