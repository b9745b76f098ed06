"""The speed ceiling for tests/benchmarks/: a view with no work of its own.

Routed only when settings.BENCHMARK_CEILING is on. Every request still passes the full
middleware stack, so its throughput is the best any page of this server can reach; the
benchmark reports each page as a ratio to it.
"""

from django.http import HttpResponse


def ceiling(request):
    return HttpResponse("ok", content_type="text/plain")
