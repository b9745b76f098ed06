"""The backup's JSON (library.json_serializer) with every password hash made unusable.

Registered by resources.backup as the "json-without-secrets" format; a file written in it
loads back with the ordinary "json" format.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from library.json_serializer import Deserializer
from library.json_serializer import Serializer as StableSerializer

__all__ = ["Deserializer", "Serializer"]


class Serializer(StableSerializer):
    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        if isinstance(obj, get_user_model()):
            data["fields"]["password"] = UNUSABLE_PASSWORD_PREFIX
        return data
