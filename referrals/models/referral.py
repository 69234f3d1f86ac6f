"""A referral (Vermittlung) of a case to a help offer, and its history.

draft → sent → accepted / declined → first contact → completed (successful or not); a draft or
an open referral can be withdrawn; a sent one nobody answered expires at its deadline. The
referring agency (the case's owner) always sees its referrals and their state; the receiving
agency sees the referrals addressed to it, and the case only through the grant an acceptance
opens (cases.grants). To an external provider the person carries a printed slip and the
referring worker records what happened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet
from agencies.models import Agency
from cases.models import AccessGrant, Case, Consent, Statute
from cases.scopes import Scope

from .directory import Offer


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    FIRST_CONTACT = "first_contact", _("First contact made")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


OPEN_STATES = (Status.SENT, Status.ACCEPTED, Status.FIRST_CONTACT)
ENDED_STATES = (Status.DECLINED, Status.COMPLETED, Status.WITHDRAWN, Status.EXPIRED)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SOON = "soon", _("Within a few days")
    URGENT = "urgent", _("Urgent (today)")


class Outcome(models.TextChoices):
    SUCCESSFUL = "successful", _("Successful")
    PERSON_DECLINED = "person_declined", _("The person declined")
    NO_CAPACITY = "no_capacity", _("No capacity")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    PERSON_UNREACHABLE = "person_unreachable", _("The person could not be reached")
    PROVIDER_UNREACHABLE = "provider_unreachable", _("The provider could not be reached")
    OTHER = "other", _("Other")


# Why a receiver declines: the outcomes that can be known before any contact.
DECLINE_REASONS = (Outcome.NO_CAPACITY, Outcome.NO_LONGER_NEEDED, Outcome.OTHER)
UNSUCCESSFUL = [outcome for outcome in Outcome if outcome != Outcome.SUCCESSFUL]


class Referral(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals")
    offer = models.ForeignKey(Offer, verbose_name=_("help offer"), on_delete=models.PROTECT, related_name="referrals")
    referring_agency = models.ForeignKey(
        Agency, verbose_name=_("referring agency"), on_delete=models.PROTECT, related_name="referrals_out"
    )
    # The provider's agency when it is in Notlagen; empty for an external provider (slip).
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_in",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    scope = models.CharField(_("what is shared"), max_length=20, choices=Scope.choices)
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    statute = models.ForeignKey(
        Statute, verbose_name=_("statute"), null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    # To the receiving staff: what they need to decide. The case itself opens only on acceptance.
    message = models.TextField(_("message"), blank=True)
    respond_by = models.DateField(_("answer by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("outcome"), max_length=25, choices=Outcome.choices, blank=True)
    reason_note = models.CharField(_("note"), max_length=300, blank=True)
    grant = models.OneToOneField(AccessGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="referral")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_contact_on = models.DateField(_("first contact on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    receiver_reminded_at = models.DateTimeField(null=True, blank=True)
    referrer_reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        permissions = [("answer_referral", "Can answer referrals to its agency")]
        constraints = [
            # A draft (or a draft discarded unsent) may still lack its basis; what is sent has one.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True, status__in=["draft", "withdrawn"])
                | (Q(consent__isnull=False) & Q(statute__isnull=True))
                | (Q(consent__isnull=True) & Q(statute__isnull=False)),
                name="referral_sent_has_one_legal_basis",
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True, status__in=["draft", "withdrawn"])
                | (Q(sent_at__isnull=False) & Q(respond_by__isnull=False) & ~Q(status="draft")),
                name="referral_sent_has_sent_at_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""), name="referral_completed_has_outcome"
            ),
        ]
        indexes = [
            # The receiver's inbox and the referrer's list, newest first: the index gives the order,
            # so the first page stops after its rows whatever the state filter (at 100,000
            # referrals a status-first index left a sort of every open one).
            models.Index(fields=["receiving_agency", "-sent_at", "-id"], name="referral_inbox"),
            models.Index(fields=["referring_agency", "-created_at", "-id"], name="referral_outgoing"),
            # The reminder and expiry sweep.
            models.Index(fields=["respond_by"], name="referral_waiting", condition=Q(status="sent")),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.offer}"

    @property
    def is_external(self) -> bool:
        return self.receiving_agency_id is None

    @property
    def was_sent(self) -> bool:
        """Sent at some point: only then does the receiving agency see it at all."""
        return self.sent_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def legal_basis_label(self) -> str:
        if self.consent_id:
            return str(_("Consent of the person"))
        if self.statute_id:
            return self.statute.code
        return "–"


class Transition(models.Model):
    """One step of a referral: who moved it from where to where, and why (both sides see it)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_transition")]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"
