"""A committee report computed for a period and a scope, kept as a cache of its figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
