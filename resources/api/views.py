"""Short viewsets over the four public models.

Reads come from `.published()` through the page-shaped `for_detail()` QuerySet methods;
writes (by a curator's writable token with the admin's model permissions) may reach drafts.
"""

from django.shortcuts import get_object_or_404
from django.views import View
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from resources import revisions, tallies
from resources.filters import (
    InterventionFilterSet,
    RecommendationFilterSet,
    StudyFilterSet,
    TopicFilterSet,
)
from resources.models import Intervention, Recommendation, Study, Topic

from . import revisions as api_revisions
from . import serializers
from .conditional import ConditionalGetMixin
from .filtering import FilterBackend
from .renderers import CITATION_RENDERERS, CitationRenderer


def citations(studies) -> Response:
    """Study objects for a citation renderer, which hands them to `resources.exports`."""
    response = Response(studies)
    response.is_citations = True
    return response


class PublicViewSet(
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """No destroy: removing a record stays with superusers in the admin."""

    lookup_field = "slug"
    filter_backends = [FilterBackend]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    # a page of a list leaves out what runs to hundreds per record; the record's URL has it
    list_serializer_class = None

    list_queryset = None  # a page of a list may read less than a record's own URL

    def get_queryset(self):
        if self.action == "list" and self.list_queryset is not None:
            queryset = self.list_queryset
        else:
            queryset = self.queryset
        if self.request.method in permissions.SAFE_METHODS:
            return queryset.published()
        return queryset.all()  # a write may reach drafts

    def filter_queryset(self, queryset):
        """Filters narrow a list; a record's own URL is that record, whatever its query
        string says."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class:
            return self.list_serializer_class
        return super().get_serializer_class()

    def perform_create(self, serializer):
        self._save_and_reload(serializer)

    def update(self, request, *args, **kwargs):
        """A curator's change to a published record becomes a revision (202), which an
        editor publishes; anything else is saved at once."""
        instance = self.get_object()
        if revisions.needs_review(request.user, instance):
            return api_revisions.propose(self, request, instance, kwargs.get("partial", False))
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        instance = serializer.instance
        model = type(instance)
        revisions.refuse_editor_only_changes(
            self.request.user,
            model,
            {name: getattr(instance, name) for name in revisions.EDITOR_ONLY.get(model, ())},
            serializer.validated_data,
        )
        self._save_and_reload(serializer)

    def _save_and_reload(self, serializer):
        """Answer a write with the record as a read would show it (published relations only)."""
        instance = serializer.save()
        serializer.instance = self.get_queryset().get(pk=instance.pk)


class StudyViewSet(PublicViewSet):
    """Studies, with their authors, outcomes, findings, appraisal and links.

    Also as citations: `?format=ris|bibtex|csl-json` or the matching Accept header, for one
    study or for a page of a filtered list.
    """

    queryset = Study.objects.for_detail().with_versions()
    list_queryset = Study.objects.for_api_list()
    serializer_class = serializers.StudySerializer
    list_serializer_class = serializers.StudyListSerializer
    filterset_class = StudyFilterSet
    count_unfiltered = staticmethod(tallies.published_studies)  # the list's length, stored

    def get_renderers(self):
        renderers = super().get_renderers()
        describing_a_write = getattr(self, "swagger_fake_view", False) and (
            self.request.method not in permissions.SAFE_METHODS
        )
        if not describing_a_write:  # a write answers in JSON, but ?format= must not 404
            renderers += [renderer() for renderer in CITATION_RENDERERS]
        return renderers

    def list(self, request, *args, **kwargs):
        if isinstance(request.accepted_renderer, CitationRenderer):
            studies = Study.objects.for_list().published()  # what a reference file holds
            return citations(self.paginate_queryset(self.filter_queryset(studies)))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if isinstance(request.accepted_renderer, CitationRenderer):
            return citations([self.get_object()])
        return super().retrieve(request, *args, **kwargs)


class InterventionViewSet(PublicViewSet):
    """Interventions, with their evidence rating, its reasons and the studies behind it."""

    queryset = Intervention.objects.for_detail().with_versions()
    list_queryset = Intervention.objects.for_api_list().with_versions()
    serializer_class = serializers.InterventionSerializer
    list_serializer_class = serializers.InterventionListSerializer
    filterset_class = InterventionFilterSet

    @extend_schema(responses=serializers.InterventionStudyLinkSerializer(many=True))
    # a read like the record itself: open to everyone, no write methods to guard
    @action(detail=True, filter_backends=[], permission_classes=[permissions.AllowAny])
    def studies(self, request, slug=None):
        """The published studies behind a published intervention, newest first."""
        intervention = get_object_or_404(Intervention.objects.published(), slug=slug)
        page = self.paginate_queryset(intervention.published_study_links())
        links = serializers.InterventionStudyLinkSerializer(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(links.data)


class RecommendationViewSet(PublicViewSet):
    """Recommendations, with their strength, certainty and the evidence behind them."""

    queryset = Recommendation.objects.for_detail().with_versions()
    list_queryset = Recommendation.objects.for_api_list().with_versions()
    serializer_class = serializers.RecommendationSerializer
    list_serializer_class = serializers.RecommendationListSerializer
    filterset_class = RecommendationFilterSet


class TopicViewSet(PublicViewSet):
    """Themes that cut across studies, interventions and recommendations."""

    queryset = Topic.objects.with_versions()
    serializer_class = serializers.TopicSerializer
    filterset_class = TopicFilterSet


class DocsView(SpectacularSwaggerSplitView):
    """The interactive docs; OPTIONS answers with the allowed methods only.

    DRF's OPTIONS metadata is JSON, which this HTML-only view cannot render (it was a 500).
    """

    options = View.options
