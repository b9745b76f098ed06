from pathlib import Path

from django.core.management.base import BaseCommand

from resources.backup import dump


class Command(BaseCommand):
    help = "Write every record (not derived data) to a JSON file with natural keys."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
