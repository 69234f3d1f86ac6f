"""Network meetings (Netzwerktreffen): a network of agencies convened by one of them meets
again and again without a case. A network holds no case data: its minutes discuss cases
anonymously (networks.names warns when a minute names a person on record)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class Network(models.Model):
    name = models.CharField(_("name"), max_length=200)
    convening_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="convened_networks", verbose_name=_("convening agency")
    )
    # The other agencies taking part; the convening agency always takes part. An agency removed
    # from the network loses the network's page at once (access/networks.py).
    agencies = models.ManyToManyField(Agency, related_name="networks", verbose_name=_("participating agencies"))
    # How often the network meets, in words ("monthly, first Tuesday"); the meetings themselves
    # are planned one by one, each with its own invitation, agenda and minutes.
    rhythm = models.CharField(_("rhythm"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.pk])


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups", verbose_name=_("previous")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_draft = models.TextField(_("draft minutes"), blank=True)
    minutes_saved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["network", "-starts_at"], name="meeting_network_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="network_meeting_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.network_id}:{self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("networks:meeting", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.title)[:80]


class MeetingAction(models.Model):
    """An agreed action: which agency, which of its members, what, by when. Done by the member
    responsible or the convener; once overdue the member is reminded (once)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], name="meetingaction_open_due", condition=Q(done_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return str(self.text)[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
