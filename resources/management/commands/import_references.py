from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from resources.importers import ImportFileError, RecordSource, open_records
from resources.importers import crossref as crossref_lookup
from resources.importers.plan import ImportRefused, ImportTally, import_records

PROGRESS_FROM = 50  # records: shorter files need no progress bar


class DryRun(Exception):
    """Raised to roll a dry run back once its report is printed."""


class Command(BaseCommand):
    help = (
        "Import references (RIS, BibTeX, CSL-JSON, Crossref JSON) as draft studies, all "
        "files in one transaction: any unreadable record imports nothing. Records that "
        "match an existing study or an earlier record are never created twice. RIS files "
        "are read a record at a time, so their length does not matter."
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
        fill = crossref_lookup.fill_missing if crossref else None
        # what can be checked before writing anything: each file opens, in a format we read
        sources = [(path, self._open(path)) for path in files]
        try:
            # one transaction for every file; a dry run makes the same writes, then undoes them
            with transaction.atomic():
                tallies = []
                for path, source in sources:
                    try:
                        tallies.append(
                            import_records(source, progress=self._progress(source), fill=fill)
                        )
                    except (ImportFileError, OSError) as error:
                        raise CommandError(f"Nothing was imported. {path}: {error}") from error
                for tally in tallies:
                    self._report(tally)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        except ImportRefused as refused:
            self._report(refused.plan)
            raise CommandError(str(refused)) from refused
        created = sum(tally.created for tally in tallies)
        self.stdout.write(self.style.SUCCESS(f"Imported {created} new draft studies."))

    def _open(self, path: Path) -> RecordSource:
        try:
            return open_records(path)
        except (ImportFileError, OSError) as error:
            raise CommandError(f"Nothing was imported. {path}: {error}") from error

    def _report(self, tally: ImportTally) -> None:
        for line in tally.report_lines():  # a line at a time: a long file's report is long
            self.stdout.write(line)

    def _progress(self, source: RecordSource):
        return lambda records: tqdm(
            records,
            total=source.expected,
            desc="Importing",
            unit="record",
            file=self.stderr,
            disable=source.expected < PROGRESS_FROM,
        )
