from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from tests.benchmarks.corpus import DEFAULT_SEED, CorpusRefused, generate


class _Bar:
    """One tqdm bar per stage of the build."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None

    def stage(self, name: str, total: int) -> None:
        self.close()
        self.bar = tqdm(total=total or None, desc=name, unit=" rows", file=self.stream)

    def advance(self, count: int) -> None:
        self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic library for benchmarks (slugs 'synthetic-…', "
        "source 'synthetic-corpus'); replaces an earlier synthetic corpus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--studies", type=int, required=True, help="How many studies.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Same seed, same data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds real published evidence.",
        )

    def handle(self, *args, studies, seed, force, **options):
        if studies < 1:
            raise CommandError("--studies must be at least 1.")
        bar = _Bar(self.stderr._out)
        try:
            report = generate(studies, seed, force=force, progress=bar)
        except CorpusRefused as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would do in a while: without a visibility map every count is a
            # full scan. VACUUM cannot run inside a transaction, as when a test calls the
            # command.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        summary = ", ".join(f"{count:,} {name}" for name, count in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Synthetic corpus built: {summary}."))
