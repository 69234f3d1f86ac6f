from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Help-offer directory and referrals to counselling centres (their capability fills it)."""

    name = "referrals"
    verbose_name = _("Referrals")
