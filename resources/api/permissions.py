"""Who may do what: anyone reads; a write needs a writable token and the admin's permissions.

A method a route does not offer (DELETE anywhere, PUT on a list, POST on a record) is left
to the view, which answers 405 to everyone: a 401 or 403 would suggest that other
credentials could make it work, and they never can.
"""

from rest_framework import permissions

from resources.models import ApiToken


def offers(view, method: str) -> bool:
    """Whether the view has a handler for `method` (a viewset's route maps only some)."""
    name = method.lower()
    return name in view.http_method_names and hasattr(view, name)


class ReadOrModelPermissions(permissions.DjangoModelPermissions):
    """Safe methods are open to everyone (the viewsets read published records only).

    A write needs an authenticated user, a token that is not read-only, and the same
    model permission (`add_study`, `change_study`, ...) the admin asks for.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not offers(view, request.method):
            return True
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            self.message = "This token is read-only."
            return False
        return super().has_permission(request, view)
