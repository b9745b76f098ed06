from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers

from . import views
from .revisions import RevisionViewSet

app_name = "api"

router = routers.DefaultRouter()
router.include_format_suffixes = False  # ?format= and Accept choose the format
router.register("studies", views.StudyViewSet, basename="study")
router.register("interventions", views.InterventionViewSet, basename="intervention")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("revisions", RevisionViewSet, basename="revision")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
