"""`Authorization: Token <key>`: curators' scripts authenticate with a hashed API token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from resources.models import ApiToken
from resources.models.api_token import PREFIX_LENGTH

KEYWORD = "Token"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Looks a token up by its prefix and compares the hash of the rest in constant time.

    `request.auth` is the ApiToken, so that permissions can tell a read-only token apart.
    """

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Give the token as `Authorization: Token <key>`.")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "The token contains invalid characters."
            ) from None
        candidates = ApiToken.objects.active().filter(key_prefix=key[:PREFIX_LENGTH])
        for token in candidates.select_related("user"):
            if token.matches(key):
                token.touch()
                return token.user, token
        raise exceptions.AuthenticationFailed("Invalid, revoked or expired token.")

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "resources.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; curators create and revoke tokens in the admin.",
        }
