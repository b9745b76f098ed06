from django.shortcuts import get_object_or_404, render

from resources.models import Intervention, Recommendation, Study, Topic

# A topic gathers thousands of studies at scale: its page shows the newest few of each
# kind, with the total and a link to the full filtered list.
TOPIC_SECTION_SIZE = 20


def topic_list(request):
    return render(request, "resources/topic_list.html", {"topics": Topic.objects.published()})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    sections = {
        "interventions": Intervention.objects.published().for_list().order_by("-published_at"),
        "studies": Study.objects.published(),  # Meta.ordering, which an index serves
        "recommendations": Recommendation.objects.published().order_by("-published_at"),
    }
    context = {"topic": topic}
    for name, records in sections.items():
        records = records.filter(topics=topic)
        context[name] = records[:TOPIC_SECTION_SIZE]
        context[f"{name}_count"] = records.count()
    return render(request, "resources/topic_detail.html", context)
