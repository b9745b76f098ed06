from django.shortcuts import get_object_or_404, render

from resources import versions
from resources.feeds import alert_url, feed_url
from resources.models import Intervention, Recommendation, Study, Topic
from resources.views.exports import export_links

# A topic gathers thousands of studies at scale: its page shows the newest few of each
# kind, with the total and a link to the full filtered list.
TOPIC_SECTION_SIZE = 20


def topic_list(request):
    return render(request, "resources/topic_list.html", {"topics": Topic.objects.published()})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    interventions = Intervention.objects.published().for_list().filter(topics=topic)
    recommendations = Recommendation.objects.published().filter(topics=topic)
    studies_count = topic.published_studies  # stored: a count would read every one
    # Meta.ordering, which an index serves; a row shows no more than these fields
    studies = Study.objects.published().in_topic(topic, size=studies_count)
    studies = studies.only("slug", "title", "year", "design", "journal")
    topic.version_list = versions.history(topic) if topic.version > 1 else []
    context = {
        "topic": topic,
        "interventions": interventions.order_by("-published_at")[:TOPIC_SECTION_SIZE],
        "interventions_count": interventions.count(),
        "studies": studies[:TOPIC_SECTION_SIZE],
        "studies_count": studies_count,
        "export_links": export_links([("topic", topic.slug)], studies_count),
        "feed_url": feed_url("resources:topic-feed", slug=topic.slug),
        "alert_url": alert_url("topic", [("topic", topic.slug)]),
        "recommendations": recommendations.order_by("-published_at")[:TOPIC_SECTION_SIZE],
        "recommendations_count": recommendations.count(),
    }
    return render(request, "resources/topic_detail.html", context)
