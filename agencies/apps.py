from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, using="default", apps=None, **kwargs) -> None:
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from .services import role_groups_sync

    # Permissions of apps that migrate after this one do not exist yet; create them all first
    # (idempotent), so the role table may name permissions of any app.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    role_groups_sync()


class AgenciesConfig(AppConfig):
    """Agencies (Träger / Behörden), their org units, locations and members with roles."""

    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        post_migrate.connect(_sync_role_groups, sender=self, dispatch_uid="agencies.role_groups_sync")
