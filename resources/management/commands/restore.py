from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resources.backup import restore


class Command(BaseCommand):
    help = "Restore a backup into an empty, migrated database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        restore(str(path))
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
