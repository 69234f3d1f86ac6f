from django.apps import AppConfig


class NotlagenConfig(AppConfig):
    """The project itself: shell templates, static files, health checks and shared commands."""

    name = "notlagen"
    verbose_name = "Notlagen"
