"""ETag and Last-Modified on every successful read, and 304 for a conditional request.

The ETag is a hash of the exact bytes sent (so it changes with any change to what a
client sees, including the format); Last-Modified is when the library last changed, as
`resources.changes` stores it, since a study's representation also names its topics and
interventions.
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer

from resources import changes

from .renderers import CitationRenderer


class ConditionalGetMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        if not getattr(response, "is_citations", False) and isinstance(
            getattr(request, "accepted_renderer", None), CitationRenderer
        ):
            # errors and OPTIONS are JSON whatever citation format was asked for
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        last_modified = changes.last_changed()
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=int(last_modified.timestamp()) if last_modified else None,
            response=response,
        )
