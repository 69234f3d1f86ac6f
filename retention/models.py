"""Retention rules per kind of record, legal holds on cases, and the runs of the retention job."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class RetentionRule(models.Model):
    record_kind = models.CharField(_("kind of record"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class LegalHold(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class RetentionRun(models.Model):
    started_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
