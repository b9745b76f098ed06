from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from resources.importers import ImportFileError, parse_file
from resources.importers import crossref as crossref_lookup
from resources.importers.plan import ImportRefused, apply

PROGRESS_FROM = 50  # records: shorter files need no progress bar


class DryRun(Exception):
    """Raised to roll a dry run back once its report is printed."""


class Command(BaseCommand):
    help = (
        "Import references (RIS, BibTeX, CSL-JSON, Crossref JSON) as draft studies, all "
        "files in one transaction: any unreadable record imports nothing. Records that "
        "match an existing study or an earlier record are never created twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be imported; write nothing."
        )
        parser.add_argument(
            "--crossref",
            action="store_true",
            help="Fill missing fields from Crossref by DOI (needs the CROSSREF_LOOKUP setting).",
        )

    def handle(self, *args, files, dry_run, crossref, **options):
        if crossref and not crossref_lookup.lookup_enabled():
            raise CommandError("The Crossref look-up is off: set CROSSREF_LOOKUP=1 to use it.")
        parsed_files = []
        for path in files:
            try:
                parsed = parse_file(path)
            except (ImportFileError, OSError) as error:
                raise CommandError(f"Nothing was imported. {path}: {error}") from error
            if crossref:
                crossref_lookup.fill_missing(parsed.records)
            parsed_files.append(parsed)

        try:
            # one transaction for every file; a dry run makes the same writes, then undoes them
            with transaction.atomic():
                results = [apply(parsed, progress=self._progress) for parsed in parsed_files]
                for result in results:
                    self.stdout.write("\n".join(result.plan.report_lines()))
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        except ImportRefused as refused:
            self.stdout.write("\n".join(refused.plan.report_lines()))
            raise CommandError(str(refused)) from refused
        created = sum(len(result.created) for result in results)
        self.stdout.write(self.style.SUCCESS(f"Imported {created} new draft studies."))

    def _progress(self, entries):
        return tqdm(
            entries,
            desc="Importing",
            unit="record",
            file=self.stderr,
            disable=len(entries) < PROGRESS_FROM,
        )
