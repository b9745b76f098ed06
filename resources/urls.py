from django.urls import path

from resources.views import interventions, pages, recommendations, studies, topics

app_name = "resources"

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path(
        "interventions/<slug:slug>/", interventions.intervention_detail, name="intervention-detail"
    ),
    path("studies/<slug:slug>/", studies.study_detail, name="study-detail"),
    path(
        "recommendations/<slug:slug>/",
        recommendations.recommendation_detail,
        name="recommendation-detail",
    ),
    path("topics/<slug:slug>/", topics.topic_detail, name="topic-detail"),
]
