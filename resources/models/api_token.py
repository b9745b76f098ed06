"""API tokens for curators' scripts: stored as a hash, shown in plain text only once."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX_LENGTH = 8
# last_used_at is a hint for the admin, not an audit log: write it at most this often
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “LMS sync”.")
    key_prefix = models.CharField(
        max_length=PREFIX_LENGTH,
        editable=False,
        db_index=True,  # authentication looks a token up by the prefix of the presented key
    )
    key_hash = models.CharField(max_length=64, editable=False)
    read_only = models.BooleanField(
        default=True, help_text="A read-only token can read but never write, whatever its user."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def issue(cls, user, name: str, read_only: bool = True) -> tuple["ApiToken", str]:
        """Create a token; the plain text is returned once and never stored."""
        token = cls(user=user, name=name, read_only=read_only)
        plaintext = token.set_key()
        token.save()
        return token, plaintext

    def set_key(self) -> str:
        plaintext = secrets.token_urlsafe(32)
        self.key_prefix = plaintext[:PREFIX_LENGTH]
        self.key_hash = hash_key(plaintext)
        return plaintext

    def matches(self, plaintext: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(plaintext))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
