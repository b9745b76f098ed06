"""Every API error has one JSON shape, the same as the site's own API 404/500/503 pages:

    {"errors": {"<parameter or field>": ["<problem>", ...], ...}, "request_id": "..."}

A 400 names each parameter or field at fault (nested fields nest); any other error puts its
message under "detail". A filter method refusing its input (a Django ValidationError) is a
400 too, not a 500, and so is a body over settings.DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from library.request_id import current_request_id


def as_drf_errors(error: DjangoValidationError, field_names: dict | None = None) -> dict:
    """A Django ValidationError as DRF's error dict, model field names mapped to the API's."""
    field_names = field_names or {}
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    errors = {}
    for name, messages in error.message_dict.items():
        key = "non_field_errors" if name == "__all__" else field_names.get(name, name)
        errors.setdefault(key, []).extend(messages)
    return errors


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_drf_errors(exc))
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = exceptions.ParseError(f"The request body is larger than {limit} bytes.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, list):
        errors = {"non_field_errors": data}
    elif set(data) == {"detail"} and not isinstance(exc, exceptions.ValidationError):
        errors = {"detail": [data["detail"]]}
    else:
        errors = data
    response.data = {"errors": errors, "request_id": current_request_id()}
    return response
