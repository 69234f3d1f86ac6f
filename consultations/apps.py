from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """Consultation hours of agencies in neighbourhood offices (Sprechstunden), the contacts
    recorded in them and the uptake report (the Offenbach motion)."""

    name = "consultations"
    verbose_name = _("Consultation hours")
