from django.shortcuts import get_object_or_404, render

from resources.models import Study


def study_detail(request, slug):
    study = get_object_or_404(Study.objects.published(), slug=slug)
    return render(request, "resources/study_detail.html", {"study": study})
