from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts and login security: password, lockout, idle timeout, second factor."""

    name = "accounts"
    verbose_name = _("Accounts")
