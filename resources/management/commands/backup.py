from pathlib import Path

from django.core.management.base import BaseCommand

from resources.backup import SECRETS_WARNING, write


class Command(BaseCommand):
    help = (
        "Write every record (not derived data) to a JSON file with natural keys, readable "
        "by its owner only. Secrets are left out unless --include-secrets is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--include-secrets",
            action="store_true",
            help="A full disaster-recovery copy: password hashes, TOTP devices, API token "
            "hashes and lockout records as well.",
        )

    def handle(self, *args, path, include_secrets, **options):
        write(path, include_secrets=include_secrets)
        if include_secrets:
            self.stderr.write(self.style.WARNING(SECRETS_WARNING))
        else:
            self.stdout.write(
                "Secrets left out: after a restore, staff set a password "
                "(manage.py changepassword NAME), enrol TOTP again (manage.py enrol_totp NAME) "
                "and issue new API tokens."
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} (mode 0600)"))
