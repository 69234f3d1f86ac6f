from django.contrib.admin.apps import AdminConfig


class NotlagenAdminConfig(AdminConfig):
    """The Django admin with our site class (see notlagen.admin_site)."""

    default_site = "notlagen.admin_site.NotlagenAdminSite"
