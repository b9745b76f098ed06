"""Revisions through the API: curators' scripts read them, editors' scripts review them.

A curator's PUT or PATCH on a published record answers 202 with the revision it made (and
its address in `Location`); the record's own URL keeps answering with the published
version. Editors publish or reject a pending revision here, as on its admin page.
"""

from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from resources import revisions
from resources.models import ApiToken, Revision


class CuratorsOnly(permissions.BasePermission):
    """Revisions are curators' and editors' business: never the public's."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and revisions.may_read(user)):
            return False
        if request.method not in permissions.SAFE_METHODS:
            token = request.auth
            if isinstance(token, ApiToken) and token.read_only:
                self.message = "This token is read-only."
                return False
        return True


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    published = serializers.ListField(child=serializers.CharField())
    proposed = serializers.ListField(child=serializers.CharField())


class RevisionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField("api:revision-detail")
    kind = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    author = serializers.StringRelatedField()
    reviewer = serializers.StringRelatedField()
    changes = serializers.SerializerMethodField(
        help_text="While pending: what publishing it would change in the live record."
    )

    class Meta:
        model = Revision
        fields = [
            "url",
            "id",
            "kind",
            "record",
            "author",
            "via",
            "created_at",
            "status",
            "changes",
            "reviewer",
            "reviewed_at",
            "note",
            "is_major",
        ]
        read_only_fields = fields

    def get_kind(self, revision) -> str:
        return revision.content_type.model

    def get_record(self, revision) -> str | None:
        """The record's API URL."""
        record = revision.record
        if record is None:
            return None
        return reverse(
            f"api:{revision.content_type.model}-detail",
            kwargs={"slug": record.slug},
            request=self.context.get("request"),
        )

    def get_changes(self, revision) -> list[dict]:
        if not revision.is_pending or revision.record is None:
            return []
        return ChangeSerializer(revisions.diff(revision), many=True).data


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    major = serializers.BooleanField(required=False, default=False)


class RevisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Revisions of published records, oldest first; `?status=pending` for the queue."""

    queryset = (
        Revision.objects.select_related("author", "reviewer", "content_type")
        .prefetch_related("record")
        .order_by("created_at", "pk")
    )
    serializer_class = RevisionSerializer
    permission_classes = [CuratorsOnly]
    filter_backends = []

    def get_queryset(self):
        queryset = super().get_queryset()
        status = self.request.query_params.get("status")
        if status is not None:
            if status not in Revision.Status.values:
                raise exceptions.ValidationError(
                    {"status": [f"Choose one of {', '.join(Revision.Status.values)}."]}
                )
            queryset = queryset.filter(status=status)
        return queryset

    @action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def publish(self, request, pk=None):
        """Publish the revision (editors): `note` and `major` go into the history."""
        return self._review(request, revisions.publish)

    @action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def reject(self, request, pk=None):
        """Reject the revision (editors), saying why in `note`."""
        return self._review(request, revisions.reject)

    def _review(self, request, review):
        revision = self.get_object()
        form = ReviewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        note, major = form.validated_data["note"], form.validated_data["major"]
        try:
            if review is revisions.publish:
                revisions.publish(revision, request.user, note=note, major=major)
            else:
                revisions.reject(revision, request.user, note)
        except revisions.RevisionError as error:
            raise exceptions.ValidationError({"status": [str(error)]}) from error
        revision.refresh_from_db()
        return Response(RevisionSerializer(revision, context=self.get_serializer_context()).data)


def propose(view, request, instance, partial: bool) -> Response:
    """A curator's update of a published record, kept as a revision: 202 and where it is."""
    serializer = view.get_serializer(instance, data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    data = revisions.capture(instance, serializer.save)
    revision = revisions.propose(instance, data, request.user, via=Revision.Via.API)
    if revision is None:  # nothing changed: the record as it stands
        return Response(view.get_serializer(instance).data)
    answer = RevisionSerializer(revision, context=view.get_serializer_context()).data
    return Response(answer, status=202, headers={"Location": answer["url"]})
