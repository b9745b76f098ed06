"""Citation formats of a study or a page of studies, chosen by Accept or by ?format=.

The views hand these renderers Study objects (not serialized data): the files are written
by `resources.exports`, the same functions as the website's export links.
"""

from rest_framework import renderers

from resources import exports


class CitationRenderer(renderers.BaseRenderer):
    charset = "utf-8"
    export_format: str

    def render(self, data, accepted_media_type=None, renderer_context=None):
        text = exports.FORMATS[self.export_format].function(data)
        # an empty body would lose its Content-Type (DRF drops it), so an empty list is a newline
        return (text or "\n").encode(self.charset)


class RISRenderer(CitationRenderer):
    media_type = "application/x-research-info-systems"
    format = export_format = "ris"


class BibTeXRenderer(CitationRenderer):
    media_type = "application/x-bibtex"
    format = export_format = "bibtex"


class CSLJSONRenderer(CitationRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = export_format = "csl-json"


CITATION_RENDERERS = [RISRenderer, BibTeXRenderer, CSLJSONRenderer]
