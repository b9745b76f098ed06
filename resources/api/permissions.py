"""Who may do what: anyone reads; a write needs a writable token and the admin's permissions."""

from rest_framework import permissions

from resources.models import ApiToken


class ReadOrModelPermissions(permissions.DjangoModelPermissions):
    """Safe methods are open to everyone (the viewsets read published records only).

    A write needs an authenticated user, a token that is not read-only, and the same
    model permission (`add_study`, `change_study`, ...) the admin asks for.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            self.message = "This token is read-only."
            return False
        return super().has_permission(request, view)
