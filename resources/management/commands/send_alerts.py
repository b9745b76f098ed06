from django.core.management.base import BaseCommand

from resources import alerts


class Command(BaseCommand):
    help = (
        "Claim the e-mail alert digests of the period just ended and queue them for the "
        "worker, with any unsent digest whose retry is due. Run it hourly (e.g. from cron)."
    )

    def handle(self, *args, **options):
        queued = alerts.schedule_digests()
        self.stdout.write(self.style.SUCCESS(f"{queued} digest(s) queued for sending."))
