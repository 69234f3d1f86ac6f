"""The outbox: one notification to one recipient on one channel, and the partner systems'
webhook endpoints it can go to.

A row is written in the same transaction as the change it reports, so a rollback takes it back
and a commit can never lose it. A recipient is a user (in-app or mail), a mail address without
an account (a counselling centre's functional mailbox) or an agency's webhook endpoint. Every
row carries an idempotency key that travels with each delivery attempt (the webhook-id header,
the mail's Message-ID), so a receiver can recognise a repeat. What is exactly-once and what is
at-least-once is said in notifications.delivery."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet


class WebhookEndpoint(models.Model):
    """Where an agency's partner system receives signed events (Standard Webhooks)."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("address"), max_length=500)
    # The signing secret ("whsec_" + base64). Kept readable: signing needs it; shown once.
    secret = models.CharField(max_length=200, editable=False)
    # After a rotation the old secret still signs, beside the new one, until this moment, so
    # the partner can switch without losing an event (Standard Webhooks: several signatures).
    previous_secret = models.CharField(max_length=200, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    events = models.JSONField(_("events"), default=list, blank=True, help_text=_("Empty: every event."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["agency", "url"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return self.is_active and (not self.events or event in self.events)


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In-app")
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Failed (dead letter)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_email = models.EmailField(_("mail address"), blank=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=60)
    # Texts carry no social data: a reference (e.g. a case number) and a link, nothing else.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # What a webhook carries: event type and ids, never content.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # A mail's one attachment, e.g. an invitation as iCalendar (text, no social data: the sender
    # promises the same as for the subject).
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.TextField(blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # Claimed by a worker that is sending it (mail, webhook) until then; afterwards it is due again.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly the recipient its channel delivers to.
            models.CheckConstraint(
                condition=(
                    Q(channel="in_app", recipient__isnull=False, recipient_email="", endpoint__isnull=True)
                    | Q(channel="webhook", recipient__isnull=True, recipient_email="", endpoint__isnull=False)
                    | (
                        Q(channel="email", endpoint__isnull=True)
                        & (
                            Q(recipient__isnull=False, recipient_email="")
                            | Q(recipient__isnull=True) & ~Q(recipient_email="")
                        )
                    )
                ),
                name="notification_one_recipient_for_its_channel",
            )
        ]
        indexes = [
            # The sweep: pending rows that are due.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["lease_until"], name="notification_sending", condition=models.Q(status="sending")),
            # The inbox and its unread count.
            models.Index(fields=["recipient", "channel", "status", "read_at"], name="notification_inbox"),
            # "Alerted already today?" checks of the audit alerts.
            models.Index(fields=["kind", "reference", "created_at"], name="notification_kind_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"

    @property
    def webhook_id(self) -> str:
        """The `webhook-id` every attempt of this row carries (Standard Webhooks)."""
        return f"msg_{self.idempotency_key.hex}"

    @property
    def addressee(self) -> str:
        """Who it goes to, for the dead letters: a person, an address or an endpoint."""
        if self.recipient_id:
            return str(self.recipient)
        return self.recipient_email or str(self.endpoint)


class PartnerEvent(models.Model):
    """Every event a partner system could subscribe to, per agency, whether or not it has a
    webhook: the API's event feed (/api/v1/events/) for systems that cannot receive webhooks.
    Ids and states only, like the webhook payload; kept for PARTNER_EVENT_DAYS."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "created_at", "id"], name="partner_event_feed")]

    def __str__(self) -> str:
        return self.event
