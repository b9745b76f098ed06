from django.core.management.base import BaseCommand, CommandError

from resources.integrity import find_problems


class Command(BaseCommand):
    help = (
        "List what in the evidence needs a curator's attention; exit with status 1 when "
        "anything published is inconsistent (for CI and cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--errors-only", action="store_true", help="List only the errors, not the warnings."
        )

    def handle(self, *args, errors_only=False, **options):
        problems = find_problems()
        errors = [p for p in problems if p.is_error]
        for problem in errors if errors_only else problems:
            style = self.style.ERROR if problem.is_error else self.style.WARNING
            model = problem.object._meta.verbose_name
            self.stdout.write(
                style(f"{problem.severity.upper()} [{problem.kind}] ")
                + f"{model} “{problem.object}”: {problem.message}"
            )
        warnings = len(problems) - len(errors)
        summary = f"{len(errors)} errors, {warnings} warnings."
        if errors:
            raise CommandError(f"Published evidence is inconsistent: {summary}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"No published evidence is inconsistent: {summary}"))
