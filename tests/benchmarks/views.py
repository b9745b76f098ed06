"""Reference points for bench.py: what this server does at best, and what the
least a page or an API answer of the library can do.

Routed only when the benchmarks app is installed (DJANGO_BENCHMARK=1). Every request passes the full
middleware stack, and none is ever served from the page cache, so `make bench` measures
them cold in every run:

- `ceiling`: a view with no work of its own, the best any page of this server can reach;
  the benchmark reports each page as a ratio to it.
- `floor_page` and `floor_api`: one study's title, by one query, in the site's base
  template or as a DRF answer. No real page or answer can be cheaper, so their ratios
  show how much of the ceiling the stack itself leaves for a page's own work.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from rest_framework.decorators import api_view
from rest_framework.response import Response

from resources.models import Study


def ceiling(request):
    return HttpResponse("ok", content_type="text/plain")


def floor_page(request, slug):
    study = get_object_or_404(Study.objects.published().only("slug", "title"), slug=slug)
    return render(request, "benchmark/floor.html", {"study": study})


@api_view(["GET"])
def floor_api(request, slug):
    study = get_object_or_404(Study.objects.published().values("slug", "title"), slug=slug)
    return Response(study)
