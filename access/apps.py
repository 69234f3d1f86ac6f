from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """The access layer: rules, resolution of a user's access to a case, logging of reads and refusals."""

    name = "access"
    verbose_name = _("Access layer")
