from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Retention periods (Löschfristen) per kind of record, legal holds, and the daily job that
    anonymises what is past its period."""

    name = "retention"
    verbose_name = _("Retention")
