from django.urls import path

from resources.views import (
    data,
    exports,
    interventions,
    pages,
    recommendations,
    search,
    studies,
    topics,
)

app_name = "resources"

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.about, name="about"),
    path("evidence-map/", pages.evidence_map_page, name="evidence-map"),
    path("interventions/", interventions.intervention_list, name="intervention-list"),
    path("recommendations/", recommendations.recommendation_list, name="recommendation-list"),
    path("topics/", topics.topic_list, name="topic-list"),
    path(
        "interventions/<slug:slug>/", interventions.intervention_detail, name="intervention-detail"
    ),
    path("studies/", studies.study_list, name="study-list"),
    path("studies/export/", exports.study_export, name="study-export"),
    path("studies/<slug:slug>/", studies.study_detail, name="study-detail"),
    path("studies/<slug:slug>/cite.<str:extension>", studies.study_cite, name="study-cite"),
    path(
        "recommendations/<slug:slug>/",
        recommendations.recommendation_detail,
        name="recommendation-detail",
    ),
    path("topics/<slug:slug>/", topics.topic_detail, name="topic-detail"),
    path("search/", search.search, name="search"),
    path("data/", data.data_page, name="data"),
    path("data/<str:name>", data.data_file, name="data-file"),
]
