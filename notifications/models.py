"""The outbox row: one notification to one recipient on one channel.

A row is written in the same transaction as the change it reports, so a rollback takes it back
and a commit can never lose it. Delivery is keyed by the row: it is delivered at most once,
however often its task runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In-app")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Failed (dead letter)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=60)
    # Texts carry no social data: a reference (e.g. a case number) and a link, nothing else.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep: pending rows that are due.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(status="pending"),
            ),
            # The inbox and its unread count.
            models.Index(fields=["recipient", "channel", "status", "read_at"], name="notification_inbox"),
            # "Alerted already today?" checks of the audit alerts.
            models.Index(fields=["kind", "reference", "created_at"], name="notification_kind_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"
