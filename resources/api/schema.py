"""The OpenAPI description: filters with their real bounds, every error, citation formats.

Schemathesis checks the API against this schema, so the schema says exactly what the
filters accept (enums, ranges, lengths, list sizes) and every status a client can meet.
"""

from django import forms
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_lib_doc_excludes

from resources.filters import MAX_CHOICES, ChoicesFilter, SlugsFilter

from .filtering import SLUG_PATTERN
from .renderers import BibTeXRenderer, CSLJSONRenderer, RISRenderer

ERROR = {
    "type": "object",
    "description": (
        "`errors` maps each query parameter or field at fault to its problems (an object, "
        "or a list of objects, for a nested field); other errors use the key `detail`."
    ),
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
            "minProperties": 1,
        },
        "request_id": {"type": "string"},
    },
    "required": ["errors"],
}
CSL_ITEM = {
    "type": "object",
    "description": "A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html).",
    "properties": {"id": {"type": "string"}, "type": {"type": "string"}},
    "required": ["id", "type"],
}
CITATION_SCHEMAS = {
    RISRenderer.media_type: {"type": "string", "description": "RIS records."},
    BibTeXRenderer.media_type: {"type": "string", "description": "BibTeX entries."},
    CSLJSONRenderer.media_type: {"type": "array", "items": CSL_ITEM},
}
NO_NUL = "^[^\\x00]*$"
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    }
}


def doc_excludes() -> list[type]:
    """Classes whose docstrings describe no record: drf-spectacular describes a component by
    the first docstring up its serializer's classes, and the API's own base classes hold
    notes for the next engineer, not for a client."""
    from . import serializers

    return [
        *get_lib_doc_excludes(),
        serializers.ModelRulesSerializer,
        serializers.HtmlUrlMixin,
    ]


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        auth = super().get_auth()
        if self.method in ("GET", "HEAD") and {} not in auth:
            auth.append({})  # anyone may read
        return auth

    def _error_ref(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error(self, description: str) -> dict:
        content = {"application/json": {"schema": self._error_ref("Error", ERROR)}}
        return {"description": description, "content": content}

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        write = self.method not in ("GET", "HEAD")
        errors = {
            "401": self._error("The token is missing a key, unknown or revoked."),
            "406": self._error("None of the media types in Accept can be served."),
            "429": {**self._error("Too many requests."), "headers": RETRY_AFTER},
        }
        if write or self._is_list_view():
            errors["400"] = self._error("A parameter or field is invalid.")
        if write or "{slug}" in self.path or "{id}" in self.path or self._is_list_view():
            errors["404"] = self._error("No such (published) record, or a page past the end.")
        if write:
            errors["403"] = self._error("Not allowed: anonymous, read-only token or no permission.")
        else:
            errors["304"] = {"description": "Not modified since the ETag or date given."}
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, content in response.get("content", {}).items():
            if media_type in CITATION_SCHEMAS:
                content["schema"] = CITATION_SCHEMAS[media_type]
        return response


class BoundedFilterExtension(DjangoFilterExtension):
    """The filters' own limits in the schema: integer ranges, lengths and list sizes."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        field = filter_field.field
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(field, forms.IntegerField):
                schema.update(type="integer", minimum=field.min_value, maximum=field.max_value)
            if isinstance(filter_field, filters.BooleanFilter):
                schema.update(type="boolean")
            if isinstance(filter_field, (SlugsFilter, ChoicesFilter)):
                schema["maxItems"] = MAX_CHOICES
            elif getattr(field, "max_length", None):
                schema["maxLength"] = field.max_length
            if isinstance(filter_field, SlugsFilter):
                schema["items"]["pattern"] = SLUG_PATTERN
            elif schema.get("type") == "string" and "enum" not in schema:
                schema["pattern"] = NO_NUL  # Django's form fields refuse NUL characters
            if not isinstance(filter_field, ChoicesFilter):
                parameter["allowEmptyValue"] = True  # an empty filter is no filter, as on the site
        return parameters
