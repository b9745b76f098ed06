from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resources.backup import has_unusable_passwords, records_present, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty, migrated database, all or nothing. A database "
        "holding records is refused unless --force is given, which replaces them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete every record in the database first, then restore the backup.",
        )

    def handle(self, *args, path, force, **options):
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        found = records_present()
        if found and not force:
            listed = ", ".join(f"{count} {label}" for label, count in sorted(found.items()))
            raise CommandError(
                f"The database is not empty ({listed}). Restoring into it would mix the "
                "backup with newer records. Restore into an empty, migrated database, or "
                "give --force to delete every record there first."
            )
        restore(str(path), replace=bool(found))
        if found:
            self.stdout.write(f"Replaced {sum(found.values())} records found in the database.")
        if has_unusable_passwords():
            self.stdout.write(
                "This backup held no passwords: staff set one with manage.py changepassword "
                "NAME and enrol TOTP with manage.py enrol_totp NAME before signing in."
            )
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
