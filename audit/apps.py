from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _retention_policy(sender, using="default", **kwargs) -> None:
    """Write the retention policy of the settings into the database function at every migrate
    (run as the tables' owner), so no caller can choose it."""
    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('audit_retention_mark') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # migrations not this far yet
    from . import retention_sql

    retention_sql.install(connection, years=settings.ACCESS_LOG_RETENTION_YEARS, tz=settings.TIME_ZONE)


class AuditConfig(AppConfig):
    """The access log: every access to social data, append-only, sealed, searchable by auditors."""

    name = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the access-event and login signals

        post_migrate.connect(_retention_policy, sender=self, dispatch_uid="audit.retention_policy")
