"""Give a staff member an authenticator app (TOTP) for signing in to the admin.

The first curator is enrolled from the command line (no one can reach the admin without a
second factor yet); later ones may be too, or from the admin's "TOTP devices" page.
"""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Create a confirmed TOTP device for a user and print the otpauth:// address and the "
        "secret to enter in an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Authenticator app", help="What the device is called in the admin."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the user's existing TOTP devices first (a lost or new phone).",
        )

    @transaction.atomic
    def handle(self, *args, username, name, replace, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        existing = TOTPDevice.objects.devices_for_user(user)
        if existing.exists():
            if not replace:
                raise CommandError(
                    f"{username} already has a TOTP device; pass --replace to give them a new one."
                )
            existing.delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)

        self.stdout.write(f"TOTP device created for {username}. Add it to an authenticator app:")
        self.stdout.write(f"  address: {device.config_url}")
        self.stdout.write(f"  secret:  {b32encode(device.bin_key).decode()}")
        self.stdout.write("Keep both private: anyone who has them can make this user's codes.")
        if not user.is_staff:
            self.stderr.write(f"Note: {username} is not staff, so cannot use the admin yet.")
