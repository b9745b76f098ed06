from django.apps import apps
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from library import errors, health
from resources.feeds import LatestEvidenceFeed, MajorChangesFeed
from resources.sitemaps import sitemaps
from resources.views.pages import robots_txt

handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("feeds/latest/", LatestEvidenceFeed(), name="feed"),
    path("feeds/changes/", MajorChangesFeed(), name="feed-changes"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("api/v1/", include("resources.api.urls")),
    path("", include("resources.urls")),
]

if apps.is_installed("tests.benchmarks"):  # DJANGO_BENCHMARK=1: the benchmark's reference views
    urlpatterns[:0] = [path("benchmark/", include("tests.benchmarks.urls"))]
