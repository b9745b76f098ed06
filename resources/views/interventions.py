from django.shortcuts import get_object_or_404, render

from resources.filters import InterventionFilterSet
from resources.models import Intervention, Topic
from resources.views.listing import filter_list, render_list


def intervention_list(request):
    filterset, page = filter_list(
        request,
        InterventionFilterSet,
        Intervention.objects.published().for_list(),
        related_choices={"topic": Topic.objects.published().values_list("slug", "name")},
        defaults={"sort": "evidence"},
    )
    return render_list(
        request, "resources/intervention_list.html", {"filter": filterset, "page": page}
    )


def intervention_detail(request, slug):
    intervention = get_object_or_404(Intervention.objects.published().for_detail(), slug=slug)
    topic_ids = [topic.pk for topic in intervention.published_topics]
    related = (
        Intervention.objects.published()
        .filter(pk__in=Intervention.objects.filter(topics__in=topic_ids).values("pk"))
        .exclude(pk=intervention.pk)
    )
    return render(
        request,
        "resources/intervention_detail.html",
        {"intervention": intervention, "related": related},
    )
