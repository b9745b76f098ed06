"""Django's JSON serializer with one change: timestamps always carry milliseconds.

Django's encoder writes `12:00:00.000Z` for a time with a few microseconds but
`12:00:00Z` for the same time read back, so a backup would not dump back byte for
byte. Registered as the "json" format in settings.SERIALIZATION_MODULES.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoJSONSerializer

__all__ = ["Deserializer", "Serializer"]


class StableJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat(timespec="milliseconds")
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", StableJSONEncoder)
        super()._init_options()
