from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports for the council committee: aggregates for a period and a scope, small numbers
    suppressed, never a person or a case."""

    name = "reports"
    verbose_name = _("Committee reports")
