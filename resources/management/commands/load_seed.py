from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resources.seeding import SeedError, fixture_files, load_seed


class Command(BaseCommand):
    help = "Load the curated seed evidence from fixtures/ in one transaction; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help="Fixture files to load instead of every file in fixtures/.",
        )

    def handle(self, *args, files, **options):
        try:
            report = load_seed(files or fixture_files())
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed evidence loaded: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )
