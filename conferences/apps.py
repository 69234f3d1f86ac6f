from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    """Case conferences across agencies (Fallkonferenzen): participants on a legal basis each,
    their temporary grants, invitations, minutes and agreed actions (the Offenbach motion)."""

    name = "conferences"
    verbose_name = _("Case conferences")
