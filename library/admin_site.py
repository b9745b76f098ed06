"""The curation admin's site: a password and a TOTP code when ADMIN_REQUIRES_OTP is on.

The requirement is read per request rather than fixed when the site is built, so that one
site serves development (DEBUG on: a password is enough) and production (a second factor
too), and tests can switch it with a setting.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class SignInWithCodeForm(OTPAdminAuthenticationForm):
    """Username, password and code in one go: a curator with one device need not pick it.

    A wrong code after the right password is a failed sign-in like a wrong password: it
    is logged on the security log and counts towards the lockout (django-axes).
    """

    def clean_otp(self, user):
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user))
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        try:
            super().clean_otp(user)
        except ValidationError:
            if user is not None and self.cleaned_data.get("otp_token"):
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username()},
                    request=self.request,
                    second_factor=True,
                )
            raise


class LibraryAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return SignInWithCodeForm if settings.ADMIN_REQUIRES_OTP else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRES_OTP else None

    def has_permission(self, request):
        """Staff who signed in with a password only count as unverified when OTP is required."""
        if settings.ADMIN_REQUIRES_OTP:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
