"""The editors' side of revisions: the review queue and the review page.

A revision's page shows it as a diff against the live record; an editor publishes or
rejects it there, with a note, through `resources.revisions`. The queue lists what waits
for an editor, oldest first: pending revisions and records sent to review.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from resources import revisions, workflow
from resources.models import Revision


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the history and read by the curator; needed to reject.",
    )
    is_major = forms.BooleanField(
        label="Major change",
        required=False,
        help_text="Tick when the change alters what the record tells readers; else it is minor.",
    )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "author", "created_at", "status"]
    list_filter = ["status", "content_type"]
    list_select_related = ["author", "content_type"]
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    @admin.display(description="kind", ordering="content_type")
    def kind(self, revision):
        return str(revision.content_type.model_class()._meta.verbose_name).capitalize()

    # Curators read revisions (their own and others'); editors review them on their page.
    def has_module_permission(self, request):
        return revisions.may_read(request.user)

    def has_view_permission(self, request, obj=None):
        return revisions.may_read(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("queue/", self.admin_site.admin_view(self.queue_view), name="review_queue"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A revision's page: the diff, and for an editor the form to publish or reject."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        revision = get_object_or_404(
            Revision.objects.select_related("author", "reviewer", "content_type"), pk=object_id
        )
        if revision.record is None:
            raise PermissionDenied("The record of this revision was deleted.")
        may_review = revision.is_pending and workflow.can_publish(request.user, revision.model)
        form = ReviewForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied
            if form.is_valid() and (response := self._review(request, revision, form)):
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(revision),
            "revision": revision,
            "record_url": change_url(revision.record),
            "changes": revisions.diff(revision) if revision.is_pending else [],
            "stale": revision.is_pending and revisions.is_stale(revision),
            "form": form if may_review else None,
        }
        return TemplateResponse(request, "admin/resources/revision/review.html", context)

    def _review(self, request, revision, form):
        note, major = form.cleaned_data["note"], form.cleaned_data["is_major"]
        try:
            if "_publish" in request.POST:
                record = revisions.publish(revision, request.user, note=note, major=major)
                done = "Published"
            elif "_reject" in request.POST:
                revisions.reject(revision, request.user, note)
                record, done = revision.record, "Rejected"
            else:
                return None
        except ValidationError as error:
            if getattr(error, "error_dict", {}).keys() == {"note"}:
                form.add_error(None, error)
            else:
                form.add_error(
                    None, "It cannot be published as it stands: " + " ".join(error.messages)
                )
            return None
        except revisions.RevisionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(reverse("admin:review_queue"))
        self.log_change(
            request, record, f"{done} revision {revision.pk}" + (f": {note}" if note else ".")
        )
        self.message_user(request, f"{done} revision {revision.pk} of “{record}”.")
        return redirect(reverse("admin:review_queue"))

    def queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        items = [
            {**item, "url": change_url(item["record"]), "kind": item["record"]._meta.verbose_name}
            for item in revisions.review_queue()
        ]
        for item in items:
            if item["revision"] is not None:
                item["url"] = reverse("admin:resources_revision_change", args=[item["revision"].pk])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Review queue",
            "items": items,
        }
        return TemplateResponse(request, "admin/resources/revision/queue.html", context)
