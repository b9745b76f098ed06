from django.conf import settings
from django.core.management.base import BaseCommand

from resources import datapackage


class Command(BaseCommand):
    help = (
        "Build the open data package served at /data/ (a Frictionless datapackage.json, one "
        "CSV per kind of record, and the same data as one JSON file) from published records."
    )

    def handle(self, *args, **options):
        package = datapackage.build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Built data package {package['version']}: {len(package['resources'])} tables "
                f"in {settings.DATA_PACKAGE_ROOT}."
            )
        )
