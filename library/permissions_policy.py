"""A Permissions-Policy header turning off the browser features the library never uses.

Django sets the other security headers itself (SecurityMiddleware, the CSP middleware);
it has no setting for this one. Set outside the page cache, so cached pages get it too.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.value)
        return response
