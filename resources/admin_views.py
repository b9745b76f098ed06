"""The study admin's import page and integrity report.

Two views that are not a model's change form, kept apart from the model admins in
`resources.admin`; their logic lives in `resources.importers` and `resources.integrity`.
`StudyAdmin` mixes `CurationToolsMixin` in, so their URLs sit under the study admin.
"""

import base64

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import model_ngettext
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse

from resources import integrity
from resources.importers import ImportFileError, parse_file
from resources.importers import crossref as crossref_lookup
from resources.importers.plan import Action, ImportRefused, apply, make_plan

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # larger files: `manage.py import_references`
PAYLOAD_MAX_AGE = 60 * 60  # seconds a preview stays confirmable
PAYLOAD_SALT = "resources.admin.import-references"  # unchanged, so open previews stay valid


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Reference file",
        help_text="RIS (.ris), BibTeX (.bib), CSL-JSON or Crossref JSON (.json), in UTF-8.",
    )
    crossref = forms.BooleanField(
        label="Fill missing fields from Crossref by DOI",
        required=False,
        help_text="Needs a network connection; records keep what the file gives.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 2 MB: import it with "
                "“manage.py import_references FILE” instead."
            )
        return upload


class ImportConfirmForm(forms.Form):
    """The file the curator previewed, carried back signed so it cannot be altered."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def clean_payload(self):
        try:
            data = signing.loads(
                self.cleaned_data["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
            )
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                "This preview has expired: upload the file again."
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError(
                "This preview cannot be confirmed: upload the file again."
            ) from error
        return data


def sign_payload(file_name: str, content: bytes, crossref: bool) -> str:
    data = {"name": file_name, "content": base64.b64encode(content).decode(), "crossref": crossref}
    return signing.dumps(data, salt=PAYLOAD_SALT, compress=True)


class CurationToolsMixin:
    """The study admin's import page and integrity report."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "check-evidence/",
                self.admin_site.admin_view(self.check_evidence_view),
                name="{}_{}_check_evidence".format(*info),
            ),
            *super().get_urls(),
        ]

    def _tool_context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        lookup_available = crossref_lookup.lookup_enabled()
        context = {"lookup_available": lookup_available}
        if request.method == "POST" and "payload" in request.POST:
            return self._confirm_import(request, context)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if not lookup_available:
            del form.fields["crossref"]
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            crossref = bool(form.cleaned_data.get("crossref"))
            try:
                parsed = self._parse(content, upload.name, crossref)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                plan = make_plan(parsed)
                context |= {
                    "plan": plan,
                    "confirm_form": ImportConfirmForm(
                        initial={"payload": sign_payload(upload.name, content, crossref)}
                    ),
                }
        context["form"] = form
        return self._render_import(request, context)

    def _parse(self, content: bytes, file_name: str, crossref: bool):
        parsed = parse_file(content, file_name)
        if crossref and crossref_lookup.lookup_enabled():
            crossref_lookup.fill_missing(parsed.records)
        return parsed

    def _confirm_import(self, request, context):
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():
            for error in confirm.errors["payload"]:
                self.message_user(request, error, messages.ERROR)
            return redirect(reverse("admin:resources_study_import"))
        data = confirm.cleaned_data["payload"]
        content = base64.b64decode(data["content"])
        try:
            result = apply(self._parse(content, data["name"], data["crossref"]), request.user)
        except ImportFileError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(reverse("admin:resources_study_import"))
        except ImportRefused as refused:
            context |= {"plan": refused.plan, "form": ImportUploadForm(), "refused": True}
            return self._render_import(request, context)
        plan = result.plan
        for study in result.created:
            self.log_addition(request, study, f"Imported from {data['name']}.")
        message = (
            f"Imported {len(result.created)} new draft "
            f"{model_ngettext(self.opts, len(result.created))} from {data['name']}; "
            f"{len(plan.existing)} matched existing studies and "
            f"{len(plan.duplicates)} repeated an earlier record, so were not created again."
        )
        if result.created:  # a reference file carries no links or appraisal
            message += " Link each new study to its practices and appraise it in its form."
        self.message_user(
            request, message, messages.SUCCESS if result.created else messages.WARNING
        )
        url = reverse("admin:resources_study_changelist")
        return redirect(f"{url}?sources__id__exact={result.source.pk}" if result.source else url)

    def _render_import(self, request, context):
        return TemplateResponse(
            request,
            "admin/resources/study/import.html",
            # by name: the template would call the Enum class itself, and compare to nothing
            self._tool_context(
                request, "Import references", actions=dict(Action.__members__), **context
            ),
        )

    def check_evidence_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        problems = integrity.find_problems()
        rows = [(problem, self._change_url(problem.object)) for problem in problems]
        return TemplateResponse(
            request,
            "admin/resources/check_evidence.html",
            self._tool_context(
                request,
                "Integrity report",
                rows=rows,
                errors=sum(p.is_error for p in problems),
                warnings=sum(not p.is_error for p in problems),
            ),
        )

    def _change_url(self, obj) -> str:
        """Its change form, or "" for what the admin does not edit (a stored total)."""
        opts = obj._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            return ""
