from django.urls import path

from . import views

urlpatterns = [
    path("ceiling/", views.ceiling, name="benchmark-ceiling"),
    path("floor/page/<slug:slug>/", views.floor_page, name="benchmark-floor-page"),
    path("floor/api/<slug:slug>/", views.floor_api, name="benchmark-floor-api"),
]
