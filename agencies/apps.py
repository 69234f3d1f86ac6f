from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _check_role_permissions(sender, using="default", apps=None, **kwargs) -> None:
    """Every permission ROLE_PERMISSIONS names must exist: a typo would silently take a right away."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    from .roles import ROLE_PERMISSIONS

    # Permissions of apps that migrate after this one do not exist yet; create them all first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    known = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.using(using).values_list("content_type__app_label", "codename")
    }
    missing = wanted - known
    if missing:
        raise LookupError(f"ROLE_PERMISSIONS names unknown permissions: {sorted(missing)}")


class AgenciesConfig(AppConfig):
    """Agencies (Träger / Behörden), their org units, locations and members with roles."""

    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        post_migrate.connect(_check_role_permissions, sender=self, dispatch_uid="agencies.check_role_permissions")
