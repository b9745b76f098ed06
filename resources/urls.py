from django.urls import path

from resources import feeds
from resources.views import (
    alerts,
    data,
    exports,
    interventions,
    pages,
    recommendations,
    search,
    studies,
    topics,
    versions,
)

app_name = "resources"

urlpatterns = [
    path("studies/feed/", feeds.StudyListFeed(), name="study-feed"),
    path("recommendations/feed/", feeds.RecommendationListFeed(), name="recommendation-feed"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
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
    path("alerts/", alerts.alert_signup, name="alert-signup"),
    path("alerts/confirm/<str:token>/", alerts.alert_confirm, name="alert-confirm"),
    path("alerts/unsubscribe/<str:token>/", alerts.alert_unsubscribe, name="alert-unsubscribe"),
    path(
        "alerts/unsubscribe-all/<str:token>/",
        alerts.alert_unsubscribe_all,
        name="alert-unsubscribe-all",
    ),
    *(
        path(
            f"{prefix}/<slug:slug>/versions/<int:number>/",
            versions.version_detail,
            {"kind": kind},
            name=f"{kind}-version",
        )
        for prefix, kind in [
            ("studies", "study"),
            ("interventions", "intervention"),
            ("recommendations", "recommendation"),
            ("topics", "topic"),
        ]
    ),
    path("data/<str:name>", data.data_file, name="data-file"),
]
