"""A committee report computed for a period and a scope, kept as a cache of its figures.

One row per (period, scope, threshold): asking again for the same report finds the row and
shows its figures; "recompute" computes them anew into the same row. The result holds only
published figures (a hidden cell is stored without its value), never a person or a case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
    RANGE = "range", _("Free period")


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be computed")
        RUNNING = "running", _("Being computed")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.RANGE)
    first_day = models.DateField(_("from"), null=True)
    last_day = models.DateField(_("to"), null=True)
    # The agency whose figures these are; None = the whole city (all agencies).
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The small-number threshold the figures were suppressed with (settings.REPORTS_MINIMUM_COUNT).
    threshold = models.PositiveSmallIntegerField(_("smallest count shown"), default=5)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (per cent)"), default=0)
    result = models.JSONField(_("figures"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    computed_in_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        constraints = [
            models.UniqueConstraint(
                fields=["first_day", "last_day", "agency", "threshold"],
                condition=Q(agency__isnull=False),
                name="report_one_per_agency_period",
            ),
            models.UniqueConstraint(
                fields=["first_day", "last_day", "threshold"],
                condition=Q(agency__isnull=True),
                name="report_one_per_city_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_city(self) -> bool:
        return self.agency_id is None

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE
