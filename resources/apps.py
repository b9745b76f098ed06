from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Evidence"

    def ready(self):
        # the API's token admin lives with the API; admin autodiscovery only finds admin.py
        from resources.api import admin  # noqa: F401
