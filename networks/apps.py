from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """Network meetings (Netzwerktreffen): recurring meetings of agencies without a case —
    participants, agenda, minutes, agreed actions — for the institutionalised contacts the
    Offenbach motion asks for. Case discussion there is anonymous."""

    name = "networks"
    verbose_name = _("Network meetings")
