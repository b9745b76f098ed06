from django.urls import path, reverse
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers

from . import views
from .changes import ChangeViewSet
from .revisions import RevisionViewSet

app_name = "api"

router = routers.DefaultRouter()
router.include_format_suffixes = False  # ?format= and Accept choose the format
router.register("studies", views.StudyViewSet, basename="study")
router.register("interventions", views.InterventionViewSet, basename="intervention")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("revisions", RevisionViewSet, basename="revision")
router.register("changes", ChangeViewSet, basename="change")


class ApiRootView(routers.APIRootView):
    """The API's collections, and the whole library as an open data package."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["data_package"] = request.build_absolute_uri(
            reverse("resources:data-file", args=["datapackage.json"])
        )
        return response


router.APIRootView = ApiRootView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
