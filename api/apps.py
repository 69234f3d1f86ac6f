from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API for partner systems (/api/v1/): clients and keys of an agency, the same
    access path as the web (access.*, the selectors and services of each app)."""

    name = "api"
    verbose_name = _("Partner API")

    def ready(self):
        from . import schema  # noqa: F401  (registers the key scheme with drf-spectacular)
