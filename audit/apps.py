from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log: every access to social data, append-only, sealed, searchable by auditors."""

    name = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the access-event and login signals
