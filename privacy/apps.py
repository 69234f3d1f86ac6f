from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's requests under Art. 15-18 GDPR: the data report, restriction and erasure."""

    name = "privacy"
    verbose_name = _("Data-subject requests")
