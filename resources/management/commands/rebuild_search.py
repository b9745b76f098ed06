"""Rebuild the search index and its vocabulary from the published records."""

from django.core.management.base import BaseCommand

from resources import search


class Command(BaseCommand):
    help = "Rebuild the search index and its vocabulary from the published records."

    def handle(self, *args, **options):
        search.rebuild()
        self.stdout.write("Search index rebuilt.")
