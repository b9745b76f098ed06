from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Evidence"

    def ready(self):
        # sign-in security: the security log's and the session cap's signal receivers
        from library import security_log, sessions  # noqa: F401

        # the API's token admin lives with the API; admin autodiscovery only finds admin.py
        from resources.api import admin  # noqa: F401
