from django.contrib.admin.apps import AdminConfig


class LibraryAdminConfig(AdminConfig):
    """Django's admin, with the site that can ask staff for a second factor."""

    default_site = "library.admin_site.LibraryAdminSite"
