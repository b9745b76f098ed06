"""`/api/v1/changes/?since=<date>`: published versions since a date, for integrations that
sync: each names its record, its number, its date, its note and what moved."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.reverse import reverse

from resources.models import Version
from resources.models.base import published_through
from resources.models.version import KINDS

ROUTES = {
    "study": "api:study-detail",
    "intervention": "api:intervention-detail",
    "recommendation": "api:recommendation-detail",
    "topic": "api:topic-detail",
}


class ChangeSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(
        help_text="study, intervention, recommendation or topic"
    )
    slug = serializers.SerializerMethodField()
    record_url = serializers.SerializerMethodField(help_text="The record in the API.")
    version = serializers.IntegerField(source="number", read_only=True)

    class Meta:
        model = Version
        fields = [
            "kind",
            "slug",
            "record_url",
            "version",
            "published_at",
            "major",
            "note",
            "changes",
        ]

    @staticmethod
    def _kind(version) -> str:
        return next(kind for kind in KINDS if getattr(version, f"{kind}_id"))

    def get_kind(self, version) -> str:
        return self._kind(version)

    def get_slug(self, version) -> str:
        return getattr(version, self._kind(version)).slug

    @extend_schema_field(OpenApiTypes.URI)
    def get_record_url(self, version) -> str:
        kind = self._kind(version)
        slug = getattr(version, kind).slug
        return reverse(ROUTES[kind], kwargs={"slug": slug}, request=self.context.get("request"))


def parse_since(raw: str) -> datetime:
    """A date (from its start, UTC) or a date and time; anything else is a 400."""
    raw = raw.strip()
    try:
        moment = parse_datetime(raw) or (
            datetime.combine(day, time.min) if (day := parse_date(raw)) else None
        )
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            {"since": ["Give a date (2026-12-07) or a date and time (2026-12-07T09:00:00Z)."]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.UTC)
    return moment


@extend_schema(
    parameters=[
        OpenApiParameter(
            "since",
            OpenApiTypes.DATETIME,
            description="Only versions published at or after this date and time "
            "(a date alone, e.g. 2026-12-07, means its start, UTC).",
            allow_blank=False,
        )
    ]
)
class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Versions of published records, newest first: what changed, and when."""

    serializer_class = ChangeSerializer
    queryset = Version.objects.none()

    def get_queryset(self):
        published = Q()
        for kind in KINDS:
            published |= published_through(kind)
        versions = (
            Version.objects.filter(published)
            .select_related(*KINDS)
            .defer("snapshot")
            .order_by("-published_at", "-pk")
        )
        if "since" in self.request.query_params:
            since = parse_since(self.request.query_params["since"])
            versions = versions.filter(published_at__gte=since)
        return versions
