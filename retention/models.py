"""Retention rules per kind of record, legal holds on cases, the runs of the retention job and
the marks that say what has been anonymised (so nothing is done twice)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Person

from .kinds import CountedFrom, RecordKind


class RetentionRule(models.Model):
    """How long one kind of record is kept, counted from which event, and on which rule. Shipped
    as a proposal (migration 0003); the real run erases a kind only once an administrator has
    confirmed its rule. Changing the period or the event takes the confirmation back."""

    record_kind = models.CharField(_("kind of record"), max_length=40, unique=True, choices=RecordKind.choices)
    years = models.PositiveSmallIntegerField(_("years"), default=0)
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    counted_from = models.CharField(
        _("counted from"), max_length=30, choices=CountedFrom.choices, default=CountedFrom.CASE_CLOSED
    )
    legal_basis = models.CharField(_("rule it rests on"), max_length=300, default="")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(years__gt=0) | Q(months__gt=0), name="retention_rule_period_positive"),
            models.CheckConstraint(condition=Q(months__lt=12), name="retention_rule_months_below_twelve"),
        ]

    def __str__(self) -> str:
        return str(self.get_record_kind_display())

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """While a hold is active, the retention job and erasure requests touch nothing of the case
    (and nothing of its person that hangs off it). Lifting keeps the row, with who and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, default="")
    # Set by the data-protection officer from the review page: only the officer lifts it.
    by_officer = models.BooleanField(_("set by the data-protection officer"), default=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(lifted_at__isnull=True), name="legalhold_one_active")
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.set_at:%Y-%m-%d})"


class RetentionRun(models.Model):
    """One run of the job: first a preview (what goes within the next month), then the real run
    over the confirmed rules, in batches. Each batch commits together with the cursor, so a run
    that crashed continues after the last committed batch and does nothing twice."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Interrupted")
        DONE = "done", _("Finished")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    as_of = models.DateTimeField(_("as of"), null=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    cursor = models.BigIntegerField(default=0)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    preview = models.JSONField(default=dict)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.state}"


class Erasure(models.Model):
    """What has been anonymised: one row per case and kind of record (or per person). Written
    in the same transaction as the change, so a kind is never done twice for a case."""

    kind = models.CharField(max_length=40)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    run = models.ForeignKey(RetentionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # An erasure on request (Art. 17 GDPR) names who carried it out.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(case__isnull=False), name="erasure_once_per_case"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(person__isnull=False), name="erasure_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id or self.person_id}"


class CaseRetention(models.Model):
    """A case the job has finished with: every kind is anonymised. Such cases are left out of
    later runs (one anti-join on 1,000,000 cases instead of re-examining them daily)."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.case_id)
