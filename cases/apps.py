from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Persons, cases, notes, consent and access grants (the access-grant capability fills it)."""

    name = "cases"
    verbose_name = _("Cases")
