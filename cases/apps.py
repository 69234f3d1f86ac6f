from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _forget_permission_ids(sender, **kwargs) -> None:
    # Permission rows can be recreated with new ids by migrate or flush (tests); drop the cache.
    from .access_sync import permission_ids

    permission_ids.cache_clear()


class CasesConfig(AppConfig):
    """Persons, cases, notes, consent and purpose-bound access grants."""

    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        post_migrate.connect(_forget_permission_ids, dispatch_uid="cases.forget_permission_ids")
