"""API tokens in the admin: issue one (its key is shown once), revoke, see when it was used."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from resources.models import ApiToken


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "read_only"]


@admin.action(description="Revoke the selected tokens")
def revoke(modeladmin, request, queryset):
    count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    modeladmin.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "key_prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "key_prefix", "user__username"]
    actions = [revoke]
    readonly_fields = [
        "user",
        "key_prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = ["user", "name", "read_only", "key_prefix", "created_at", "last_used_at", "revoked_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.fields if obj else ApiTokenAddForm.Meta.fields

    def save_model(self, request, obj, form, change):
        if not change:
            plaintext = obj.set_key()
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                f"The key of “{obj.name}” is {plaintext} — copy it now: it is stored hashed "
                "and cannot be shown again.",
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)
