"""The API's JSON parser, with a limit on nesting.

Python's JSON decoder recurses once per level of nesting, so a body nested deeper than
the interpreter's stack (a 100,000-deep array is 200 kB) would be a 500. Past MAX_DEPTH
the answer is a 400. (The size of a body is limited by Django, through DRF reading it as
`request.body`: settings.DATA_UPLOAD_MAX_MEMORY_SIZE; resources/api/exceptions.py.)
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No record this API writes nests deeper than a few levels.
MAX_DEPTH = 32


def depth(data) -> int:
    """How deeply lists and objects nest in `data`, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in value)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        return data
