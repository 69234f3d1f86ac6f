"""Case conferences (Fallkonferenzen): convened by the agency that owns a case; each
participating agency sees the case through a grant of its own scope on its own legal basis,
from the invitation until a few days after the meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet
from agencies.models import Agency
from cases.models import AccessGrant, Case, Consent, Statute
from cases.scopes import Scope

CONFIDENTIALITY_TEXT = _(
    "I will treat everything I learn in this case conference as confidential. I use it only for the "
    "purpose of the conference and within the legal basis of my agency, and pass nothing on to third parties."
)


class Conference(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conferences")
    convening_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=1000)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("previous")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_draft = models.TextField(_("draft minutes"), blank=True)
    minutes_saved_at = models.DateTimeField(null=True, blank=True)
    confidentiality_text = models.TextField(_("confidentiality statement"), default=CONFIDENTIALITY_TEXT)
    reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="conference_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conferences:detail", args=[self.pk])

    @property
    def minutes_final(self) -> bool:
        return self.status == self.Status.HELD and bool(self.minutes)


class Participant(models.Model):
    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        APOLOGISED = "apologised", _("Apologised")
        ABSENT = "absent", _("Absent")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    statute = models.ForeignKey(Statute, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey(AccessGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.CharField(max_length=300, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    sent_information = models.BooleanField(_("sent information"), default=False)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "agency"], name="participant_once_per_conference"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=False)
                | Q(consent__isnull=False, statute__isnull=True)
                | Q(consent__isnull=True, statute__isnull=False),
                name="participant_one_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference_id}:{self.agency_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Guest(models.Model):
    """An external guest without an account: named, with an organisation, nothing more."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.name)[:80]


class ConfidentialityConfirmation(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conference", "user"], name="confirmation_once_per_user")]

    def __str__(self) -> str:
        return f"{self.conference_id}:{self.user_id}"


class AgendaItem(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.title)[:80]


class Decision(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("decision"), max_length=1000)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.text)[:80]


class ConferenceAction(models.Model):
    """An agreed action: who (agency and member), what, by when; a task in the case workspace."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CIRCUMSTANCES_CHANGED = "circumstances_changed", _("Circumstances changed")
        NOT_DONE = "not_done", _("Not done")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    task = models.ForeignKey("casework.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.OPEN)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)
    reviewed_in = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_actions"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.text)[:80]

    @property
    def effective_status(self) -> str:
        """The task's done state is the action's "done"."""
        if self.status == self.Status.OPEN and self.task is not None and self.task.done_at is not None:
            return self.Status.DONE
        return self.status
