"""The curation admin: where curators enter, appraise, link and publish the evidence.

Records that belong to a study, an intervention or a recommendation (authors, outcomes,
findings, references, study links, evidence) are edited as inlines of their parent. Every
save and delete ends in `resources.changes.record`, which recomputes what depends on the
record (ratings, the evidence map, counts, the search index, cached pages).

Status changes go through `resources.workflow` (curators: draft and review; editors also
publish and unpublish), whether by action, by the change form or by reverting to an
earlier version in the history (django-simple-history). The import page and the
integrity report are views of the study admin, in `resources.admin_views`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from resources import changes, revisions, versions, workflow
from resources.admin_review import RevisionAdmin  # noqa: F401 (registers the review queue)
from resources.admin_views import CurationToolsMixin
from resources.models import (
    Country,
    EditorialStatus,
    EffectCertainty,
    Finding,
    Intervention,
    InterventionStudy,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    SourceDocument,
    Study,
    StudyAuthor,
    StudyBiasDomain,
    StudyLearnerLevel,
    StudyReference,
    SynonymGroup,
    Topic,
)

admin.site.site_header = "Evidence library curation"
admin.site.site_title = "Evidence library curation"
admin.site.index_title = "Curate the evidence"


# Editorial workflow ------------------------------------------------------------------


def move_to_status(
    modeladmin, request, queryset, status: EditorialStatus, notes: dict | None = None
) -> None:
    """Move each selected record to `status` through the workflow, saying what was refused.

    `notes` maps a record's pk to the change note (and major or minor) its new version
    carries when it is published."""
    selected = list(queryset)
    moved, refused = [], []
    for obj in selected:
        try:
            if workflow.transition(obj, status, request.user, **(notes or {}).get(obj.pk, {})):
                moved.append(obj)
                modeladmin.log_change(request, obj, f"Moved to “{status.label}”.")
        except workflow.TransitionError as error:
            refused.append(error)

    message = (
        f"{len(moved)} {model_ngettext(modeladmin.opts, len(moved))} moved to “{status.label}”."
    )
    if already := len(selected) - len(moved) - len(refused):
        message += f" {already} {'was' if already == 1 else 'were'} there already."
    modeladmin.message_user(request, message, messages.SUCCESS if moved else messages.WARNING)
    for error in refused:
        modeladmin.message_user(request, str(error), messages.ERROR)


@admin.action(description="Send to review", permissions=["change"])
def send_to_review(modeladmin, request, queryset):
    move_to_status(modeladmin, request, queryset, EditorialStatus.IN_REVIEW)


class BulkPublishForm(forms.Form):
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="For readers: what changed and why. Each record listed above gets a new "
        "version with this note.",
    )
    major_change = forms.BooleanField(
        required=False,
        label="Major change",
        help_text="It changes a rating, a certainty, a strength or a recommendation's "
        "statement (marked major anyway when one of those moved). Leave it off for "
        "wording, typos and metadata.",
    )


@admin.action(description="Publish (editors)", permissions=["publish"])
def publish(modeladmin, request, queryset):
    """Publish the selection. Records published before that have changed since get a new
    version, which needs a note: as Django's delete confirmation does, a page first lists
    them and asks for it (and whether the change is major). First publications and
    unchanged records need none, so a selection of only those is published at once."""
    selected = list(queryset)
    changed = [obj for obj in selected if versions.publishing_changes(obj)]
    if not changed:
        move_to_status(modeladmin, request, selected, EditorialStatus.PUBLISHED)
        return None
    form = BulkPublishForm(request.POST if "confirm_publish" in request.POST else None)
    if form.is_valid():
        note = {
            "change_note": form.cleaned_data["change_note"],
            "major": form.cleaned_data["major_change"],
        }
        notes = {obj.pk: note for obj in changed}
        move_to_status(modeladmin, request, selected, EditorialStatus.PUBLISHED, notes)
        return None
    opts = modeladmin.opts
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Publish {len(selected)} {model_ngettext(opts, len(selected))}",
        "opts": opts,
        "selected": selected,
        "changed": [
            (obj, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            for obj in changed
        ],
        "others": [obj for obj in selected if obj not in changed],
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/resources/publish_confirmation.html", context)


@admin.action(description="Move back to draft (editors also unpublish)", permissions=["change"])
def move_back_to_draft(modeladmin, request, queryset):
    move_to_status(modeladmin, request, queryset, EditorialStatus.DRAFT)


EDITORIAL_FIELDSET = (
    "Editorial workflow",
    {
        "description": (
            "Curators send drafts to review; editors publish and unpublish. Publishing "
            "checks that the record has what its public page needs."
        ),
        "fields": ["status", "readiness", "published_at", "curator_note"],
    },
)


class RecordsChangesMixin:
    """Every save and delete in the admin ends in `resources.changes.record`.

    A save is recorded once the record and its inlines are saved (`save_related`), before
    any status change or version is made of it. Reverting to a version in the history
    saves without `save_related`, so its response records it. What a study was linked to
    is read before it is saved, since the save may unlink it.
    """

    def save_model(self, request, obj, form, change):
        request.linked_before = changes.linked([obj])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes.record(form.instance, **request.linked_before)
        request.changes_recorded = True

    def response_change(self, request, obj):
        if not getattr(request, "changes_recorded", False):  # a revert from the history
            changes.record(obj, **getattr(request, "linked_before", {}))
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        before = changes.linked([obj])
        super().delete_model(request, obj)
        changes.record(obj, **before)

    def delete_queryset(self, request, queryset):
        deleted = list(queryset)
        before = changes.linked(deleted)
        super().delete_queryset(request, queryset)
        changes.record(*deleted, **before)


class ChangeNoteForm(forms.ModelForm):
    """The admin form of a publishable record, with what an editor says about a change to
    a published one: it becomes the note of the record's next public version."""

    change_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For readers: what changed and why. Shown with the record's new version.",
    )
    major_change = forms.BooleanField(
        required=False,
        label="Major change",
        help_text="It changes a rating, a certainty, a strength or a recommendation's "
        "statement (marked major anyway when one of those moved). Leave it off for "
        "wording, typos and metadata.",
    )


class EditorialMixin(RecordsChangesMixin):
    """What the admins of the four publishable models share: the editorial workflow.

    Actions offered only to users allowed to take them, a status choice limited to the
    moves the user may make, every status change made through `workflow.transition`
    once the record and its inlines are saved, history with a diff and revert, and
    "view on site" only where the public page exists.

    A curator's change to a published record (a revert from the history included) is
    saved as usual inside a savepoint; what it stored is kept as a pending revision
    (`resources.revisions`) and the savepoint rolled back, so the public pages keep the
    published version until an editor publishes the revision.
    """

    actions = [send_to_review, publish, move_back_to_draft]
    form = ChangeNoteForm
    save_on_top = True
    history_list_display = ["state"]

    def has_publish_permission(self, request) -> bool:
        return workflow.can_publish(request.user, self.model)

    def view_on_site(self, obj):
        # the public page of an unpublished record is a 404, so only link published ones
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description="workflow state", ordering="status")
    def state(self, obj):
        # full words, coloured by library/static/library/admin.css (no inline style: the CSP)
        status = EditorialStatus(obj.status)
        return format_html(
            '<strong class="workflow-state workflow-state--{}">{}</strong>',
            status.value,
            status.label,
        )

    @admin.display(description="ready to publish?")
    def readiness(self, obj):
        if obj is None or obj.pk is None:
            return "Save it first; then it can be checked."
        problems = workflow.publication_problems(obj)
        if not problems:
            return "Yes: it has what its public page needs."
        items = format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        return format_html("Not yet:<ul>{}</ul>", items)

    def get_fieldsets(self, request, obj=None):
        """An editor changing a published record says what changed, for its next version."""
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.has_publish_permission(request):
            fieldsets.append(
                (
                    "Publishing a change",
                    {
                        "fields": ["change_note", "major_change"],
                        "description": "When you publish this record, or save it while it "
                        "is published, readers see a new version with this note.",
                    },
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "readiness"]
        if obj is not None and obj.is_published and not self.has_publish_permission(request):
            fields.append("status")  # only an editor may unpublish
        if obj is not None:
            fields += revisions.editor_only_fields(request.user, self.model)
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and revisions.needs_review(request.user, obj):
            self.message_user(
                request,
                "This record is published: what you save here waits for an editor's "
                "review, and the public pages show the published version until then.",
                messages.INFO,
            )
            for revision in revisions.pending_for(obj):
                self.message_user(
                    request,
                    format_html(
                        '<a href="{}">Revision {}</a> by {}, sent {}, is waiting for review.',
                        reverse("admin:resources_revision_change", args=[revision.pk]),
                        revision.pk,
                        revision.author,
                        date_format(localtime(revision.created_at), "DATETIME_FORMAT"),
                    ),
                    messages.INFO,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @transaction.atomic
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # atomic, as the change form is, so that a curator's revert can become a revision
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in EditorialStatus.choices
                if value != EditorialStatus.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The form saves the record as it was; the status change itself goes through the
        # workflow once the inlines are saved too (what publishing needs may be in them).
        current = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        current = current or EditorialStatus.DRAFT
        if obj.status != current:
            obj._workflow_target, obj.status = obj.status, current
        if change and revisions.needs_review(request.user, obj):
            obj._revision_savepoint = transaction.savepoint_create()
        obj._change_note = form.cleaned_data.get("change_note", "")
        obj._major_change = form.cleaned_data.get("major_change", False)
        super().save_model(request, obj, form, change)

    def _make_pending_transition(self, request, obj) -> None:
        note = {
            "change_note": getattr(obj, "_change_note", ""),
            "major": getattr(obj, "_major_change", False),
        }
        target = getattr(obj, "_workflow_target", None)
        if target is None:
            if obj.is_published and workflow.can_publish(request.user, type(obj)):
                # an editor's change to a published record, live at once: its next version
                versions.record_version(
                    obj, note=note["change_note"], major=note["major"], user=request.user
                )
            return
        del obj._workflow_target
        label = EditorialStatus(target).label
        try:
            workflow.transition(obj, target, request.user, **note)
        except workflow.TransitionError as error:
            reasons = "; ".join(error.reasons)
            self.message_user(
                request, f"Saved, but not moved to “{label}”: {reasons}.", messages.ERROR
            )
        else:
            self.log_change(request, obj, f"Moved to “{label}”.")

    def response_add(self, request, obj, *args, **kwargs):
        self._make_pending_transition(request, obj)
        return super().response_add(request, obj, *args, **kwargs)

    def response_change(self, request, obj):
        # also reached when a version is restored from the history
        if (savepoint := getattr(obj, "_revision_savepoint", None)) is not None:
            return self._propose_revision(request, obj, savepoint)
        self._make_pending_transition(request, obj)
        return super().response_change(request, obj)

    def _propose_revision(self, request, obj, savepoint):
        """Keep what the change form stored as a revision, and roll the change back."""
        del obj._revision_savepoint
        data = revisions.snapshot(self.model._default_manager.get(pk=obj.pk))
        transaction.savepoint_rollback(savepoint)
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        try:
            revision = revisions.propose(obj, data, request.user)
        except PermissionDenied as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return redirect(change_url)
        if revision is None:
            self.message_user(request, "Nothing changed, so there is nothing to review.")
            return redirect(change_url)
        self.log_change(request, obj, f"Proposed revision {revision.pk} for review.")
        self.message_user(
            request,
            f"Your changes to “{obj}” wait for an editor as revision {revision.pk}; the "
            "public pages show the published version until an editor publishes it.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:resources_revision_change", args=[revision.pk]))


# Sources and countries ---------------------------------------------------------------


@admin.register(SourceDocument)
class SourceDocumentAdmin(RecordsChangesMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "kind", "file_name", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "slug", "file_name"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at"]


@admin.register(Country)
class CountryAdmin(RecordsChangesMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


# Topics ------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(EditorialMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "state", "published_at"]
    list_filter = ["status"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    readonly_fields = ["published_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description"]}),
        ("Provenance", {"fields": ["sources"]}),
        EDITORIAL_FIELDSET,
    ]


# Studies -----------------------------------------------------------------------------


class LabelledFormSet(forms.BaseInlineFormSet):
    """Each field of a row named for assistive technology: a tabular inline shows its
    labels only as column headings, which label no field."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class PositionedFormSet(LabelledFormSet):
    """Rows in order: a new row left without a position takes the next number."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        position = form.fields["position"]
        position.required = False
        position.help_text = "Leave empty for the next number."

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if not (self.can_delete and form.cleaned_data.get("DELETE"))
            and (form.has_changed() or form.instance.pk)
        ]
        taken = [form.cleaned_data.get("position") for form in rows if form.cleaned_data]
        following = max(filter(None, taken), default=0) + 1
        for form in rows:
            if form.cleaned_data and form.cleaned_data.get("position") is None:
                form.cleaned_data["position"] = form.instance.position = following
                following += 1


class StudyAuthorInline(admin.TabularInline):
    model = StudyAuthor
    formset = PositionedFormSet
    after_fieldset = "Bibliographic"
    fields = ["position", "family_name", "given_names", "literal_name"]
    extra = 0


class StudyLearnerLevelInline(admin.TabularInline):
    model = StudyLearnerLevel
    formset = LabelledFormSet
    after_fieldset = "Design and participants"
    extra = 0
    verbose_name = "learner level of the participants"
    verbose_name_plural = "learner levels of the participants"


class StudyBiasDomainInline(admin.TabularInline):
    model = StudyBiasDomain
    formset = LabelledFormSet
    after_fieldset = "Appraisal"
    fields = ["domain", "judgement", "support"]
    extra = 0
    verbose_name_plural = (
        "risk of bias by domain (RoB 2 or ROBINS-I; only the domains the report lets you judge)"
    )


class OutcomeInline(admin.StackedInline):
    model = Outcome
    formset = PositionedFormSet
    after_fieldset = "Results"
    extra = 0
    autocomplete_fields = ["intervention"]
    fields = [
        ("position", "kirkpatrick_level", "direction"),
        "measure",
        "intervention",
        ("intervention_label", "intervention_value", "intervention_n"),
        ("comparison_label", "comparison_value", "comparison_n"),
        "unit",
        ("p_value_qualifier", "p_value", "effect_size"),
        "notes",
    ]


class FindingInline(admin.StackedInline):
    model = Finding
    formset = PositionedFormSet
    after_fieldset = "Results"
    extra = 0
    fields = [
        "position",
        "statement",
        ("methodological_limitations", "methodological_limitations_explanation"),
        ("coherence", "coherence_explanation"),
        ("adequacy", "adequacy_explanation"),
        ("relevance", "relevance_explanation"),
        ("confidence", "confidence_explanation"),
        ("reports_change", "kirkpatrick_level"),
    ]
    readonly_fields = ["confidence"]


class StudyReferenceInline(admin.TabularInline):
    model = StudyReference
    formset = LabelledFormSet
    classes = ["collapse"]
    fk_name = "citing"
    autocomplete_fields = ["cited"]
    fields = ["cited", "numbers"]
    extra = 0
    verbose_name = "reference"
    verbose_name_plural = "references (studies in the library that this study cites)"


@admin.register(Study)
class StudyAdmin(CurationToolsMixin, EditorialMixin, SimpleHistoryAdmin):
    list_display = ["title", "year", "journal", "design", "appraisal_status", "state"]
    list_filter = ["status", "appraisal_status", "design", "is_open_access", "topics"]
    search_fields = ["title", "doi", "journal", "authors__family_name", "authors__literal_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "topics", "sources"]
    readonly_fields = ["published_at"]
    # In the order a curator works: what the work is and who wrote it, how it was done,
    # how good it is, what it found. Each inline follows the section it belongs to (its
    # `after_fieldset`, placed by templates/admin/resources/change_form.html).
    inlines = [
        StudyAuthorInline,
        StudyLearnerLevelInline,
        StudyBiasDomainInline,
        OutcomeInline,
        FindingInline,
        StudyReferenceInline,
    ]
    fieldsets = [
        (
            "Bibliographic",
            {
                "description": "The authors follow, in byline order.",
                "fields": [
                    "title",
                    "slug",
                    ("year", "publication_date"),
                    "journal",
                    ("volume", "issue", "pages"),
                    "doi",
                    "url",
                    "abstract",
                ],
            },
        ),
        (
            "Design and participants",
            {
                "fields": [
                    "design",
                    "methods_summary",
                    "setting",
                    "countries",
                    "participants",
                    "sample_size",
                ]
            },
        ),
        (
            "Appraisal",
            {
                "fields": [
                    "holdings",
                    "appraisal_status",
                    "appraisal_tool",
                    ("appraisal_score", "appraisal_score_max"),
                    "appraisal_summary",
                    "risk_of_bias",
                    "risk_of_bias_notes",
                ]
            },
        ),
        (
            "Results",
            {
                "description": "Its outcomes and findings follow.",
                "fields": ["key_findings", "limitations"],
            },
        ),
        (
            "Impact",
            {
                "classes": ["collapse"],
                "fields": ["is_open_access", ("citation_count", "citation_count_date")],
            },
        ),
        ("Classification", {"classes": ["collapse"], "fields": ["topics", "sources"]}),
        EDITORIAL_FIELDSET,
    ]


# Interventions -----------------------------------------------------------------------


class InterventionStudyInline(admin.StackedInline):
    model = InterventionStudy
    autocomplete_fields = ["study"]
    fields = [
        ("study", "link_type", "direction"),
        "what_it_found",
        ("indirectness", "indirectness_note"),
    ]
    extra = 0


class EffectCertaintyFilter(admin.SimpleListFilter):
    """Practices by their effective answer to "does it work?": a GRADE certainty or "No
    evaluation yet" (the curator's override where there is one)."""

    title = "does it work?"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return EffectCertainty.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(rating=self.value())
        return queryset


@admin.register(Intervention)
class InterventionAdmin(EditorialMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "intervention_type",
        "effective_rating",
        "is_overridden",
        "study_count",
        "state",
    ]
    list_filter = ["status", "intervention_type", "setting", EffectCertaintyFilter, "topics"]
    search_fields = ["name", "summary"]
    ordering = ["name"]  # the annotation's GROUP BY drops the model's default ordering
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["topics", "sources"]
    readonly_fields = ["effective_rating", "computed_rating", "rating_reasons", "published_at"]
    inlines = [InterventionStudyInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", ("intervention_type", "setting"), "summary"]}),
        (
            "Practice",
            {
                "fields": [
                    "audience",
                    "how_it_works",
                    "implementation_steps",
                    "resources_needed",
                    "barriers",
                    "facilitators",
                ]
            },
        ),
        (
            "Does it work? (GRADE certainty of an effect)",
            {
                "description": (
                    "Computed per outcome level from the studies that evaluated it each time "
                    "the practice or one of its studies is saved. Override the answer only "
                    "with a written justification; readers see both."
                ),
                "fields": [
                    "effective_rating",
                    "computed_rating",
                    "rating_reasons",
                    "publication_bias",
                    "rating_override",
                    "rating_override_justification",
                ],
            },
        ),
        ("Classification", {"fields": ["topics", "sources"]}),
        EDITORIAL_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(study_count=Count("study_links"))

    @admin.display(description="does it work?", ordering="rating")
    def effective_rating(self, obj):
        return EffectCertainty(obj.rating).label

    @admin.display(description="overridden", boolean=True, ordering="rating_override")
    def is_overridden(self, obj):
        return obj.is_overridden

    @admin.display(description="studies", ordering="study_count")
    def study_count(self, obj):
        return obj.study_count

    @admin.display(description="the rules' reasons")
    def rating_reasons(self, obj):
        if not obj.computed_rating_reasons:
            return "None yet: the rating is computed when the intervention is saved."
        items = format_html_join("", "<li>{}</li>", ((r,) for r in obj.computed_rating_reasons))
        return format_html("<ul>{}</ul>", items)


# Recommendations ---------------------------------------------------------------------


class RecommendationEvidenceInline(admin.TabularInline):
    model = RecommendationEvidence
    formset = LabelledFormSet
    autocomplete_fields = ["study"]
    fields = ["study", "relation", "note"]
    extra = 0


EvidenceRows = forms.inlineformset_factory(
    Recommendation,
    RecommendationEvidence,
    formset=LabelledFormSet,
    fields=RecommendationEvidenceInline.fields,
)


class RecommendationForm(ChangeNoteForm):
    """A recommendation's certainty is checked against the evidence saved with it.

    The evidence rows are the inline's, validated after this form: so the form reads the
    rows submitted with it (and the interventions chosen on it), and the model's `clean()`
    checks the certainty against those, not against what was stored before the save.
    """

    def clean(self):
        cleaned = super().clean()
        rows = EvidenceRows(
            self.data, instance=self.instance, prefix=EvidenceRows.get_default_prefix()
        )
        if rows.is_valid():  # otherwise the inline shows its own errors, and nothing is saved
            kept = [
                row.cleaned_data["study"].pk
                for row in rows.forms
                if row.cleaned_data.get("study") and not row.cleaned_data.get("DELETE")
            ]
            submitted = {"studies": kept}
            if "interventions" in cleaned:
                submitted["interventions"] = [i.pk for i in cleaned["interventions"]]
            self.instance.submitted_evidence = submitted
        return cleaned


@admin.register(Recommendation)
class RecommendationAdmin(EditorialMixin, SimpleHistoryAdmin):
    list_display = ["title", "audience", "strength", "certainty", "study_count", "state"]
    list_filter = ["status", "audience", "strength", "certainty", "topics"]
    search_fields = ["title", "statement"]
    ordering = ["title"]  # the annotation's GROUP BY drops the model's default ordering
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["interventions", "topics", "sources"]
    form = RecommendationForm
    readonly_fields = ["published_at"]
    inlines = [RecommendationEvidenceInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "statement",
                    ("audience", "strength", "certainty"),
                ]
            },
        ),
        (
            "Key information",
            {
                "description": "As the studies report them, in the library's words; leave a "
                "field empty where they report nothing.",
                "fields": [
                    "benefits_and_harms",
                    "values_and_preferences",
                    "practical_considerations",
                ],
            },
        ),
        ("Rationale", {"fields": ["rationale"]}),
        ("Classification", {"fields": ["interventions", "topics", "sources"]}),
        EDITORIAL_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(study_count=Count("evidence"))

    @admin.display(description="studies", ordering="study_count")
    def study_count(self, obj):
        return obj.study_count


@admin.register(SynonymGroup)
class SynonymGroupAdmin(RecordsChangesMixin, admin.ModelAdmin):
    """The curators' synonyms: searches read them as they run, so a change shows at once."""

    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]
