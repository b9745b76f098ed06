from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("interventions/<slug:slug>/", views.intervention_detail, name="intervention-detail"),
    path("studies/<slug:slug>/", views.study_detail, name="study-detail"),
    path(
        "recommendations/<slug:slug>/",
        views.recommendation_detail,
        name="recommendation-detail",
    ),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
]
