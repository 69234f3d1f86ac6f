from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The notification outbox: rows written in the caller's transaction, delivered by Celery."""

    name = "notifications"
    verbose_name = _("Notifications")
