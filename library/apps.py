from django.contrib.admin.apps import AdminConfig


class LibraryAdminConfig(AdminConfig):
    """Django's admin, with the site that can ask staff for a second factor, and the
    project's own signal receivers: the security log's and the session cap's, which
    watch sign-ins and admin changes."""

    default_site = "library.admin_site.LibraryAdminSite"

    def ready(self):
        super().ready()
        from library import security_log, sessions  # noqa: F401  (their @receiver hooks)
