"""Delivering one outbox row.

The row is locked (skipping rows another worker holds) and re-checked as pending and due, so a
retried or duplicated task finds nothing to do. A failed attempt is recorded with exponential
backoff; after OUTBOX_MAX_ATTEMPTS the row becomes a dead letter for administrators to see.

What each channel promises, honestly:
- in-app: exactly once. Delivering is marking the row delivered, in the same transaction.
- mail: at least once, and a crash costs at most one duplicate. The row is claimed with a lease
  before the send; a worker that dies after the mail server accepted the mail and before the
  delivered mark leaves the row "sending", and it is sent once more when the lease runs out.
  The Message-ID carries the row's idempotency key, so the duplicate is recognisable.
- webhook: at least once, the same way. A timeout after the partner accepted the event retries
  it; every attempt carries the same `webhook-id` (the idempotency key), by which the receiver
  drops the repeat (Standard Webhooks)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .errors import PermanentDeliveryError
from .models import Notification
from .webhooks import deliver_webhook

logger = logging.getLogger(__name__)


def _deliver_in_app(notification: Notification) -> None:
    # Marking the row delivered is what makes it appear in the inbox.
    return None


def _deliver_email(notification: Notification) -> None:
    recipient = notification.recipient
    address = recipient.email if recipient else notification.recipient_email
    if not address:
        raise PermanentDeliveryError("recipient has no email address")
    with translation.override((recipient.language if recipient else "") or "de"):
        text = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "url": f"{settings.SITE_URL}{notification.link}" if notification.link else "",
            },
        )
    message = EmailMessage(
        notification.subject,
        text,
        to=[address],
        headers={"Message-ID": f"<{notification.idempotency_key}@notlagen>"},
    )
    if notification.attachment_name:
        message.attach(notification.attachment_name, notification.attachment, notification.attachment_type)
    message.send(fail_silently=False)


CHANNELS = {
    Notification.Channel.IN_APP: _deliver_in_app,
    Notification.Channel.EMAIL: _deliver_email,
    Notification.Channel.WEBHOOK: deliver_webhook,
}


def backoff(attempts: int) -> timedelta:
    seconds = settings.OUTBOX_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.OUTBOX_MAX_BACKOFF_SECONDS))


def _claimable(now) -> Q:
    """Pending and due, or being sent by a worker whose lease ran out (it died mid-send)."""
    return Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, lease_until__lte=now
    )


def deliver(notification_id: int) -> str:
    """Deliver the row if it is due. Returns delivered / failed / dead / skipped.

    In-app: one transaction, exactly once. Mail and webhooks: the row is first claimed with a
    lease in its own committed transaction (status "sending"), then sent outside any lock, then
    marked. A worker that dies after sending leaves the row "sending"; once the lease runs out
    the sweep sends it again — at most one duplicate per crash, with the same idempotency key."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "endpoint")
            .filter(_claimable(now), pk=notification_id)
            .first()
        )
        if notification is None:
            return "skipped"
        notification.attempts += 1
        if notification.channel == Notification.Channel.IN_APP:
            return _mark_delivered(notification)
        notification.status = Notification.Status.SENDING
        notification.lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        notification.save(update_fields=["status", "attempts", "lease_until"])
    try:
        CHANNELS[notification.channel](notification)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        with transaction.atomic():
            return _record_failure(notification, exc)
    with transaction.atomic():
        return _mark_delivered(notification)


def _mark_delivered(notification: Notification) -> str:
    notification.status = Notification.Status.DELIVERED
    notification.delivered_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "delivered_at", "attempts", "last_error"])
    return "delivered"


def _record_failure(notification: Notification, exc: Exception) -> str:
    permanent = isinstance(exc, PermanentDeliveryError)
    notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if permanent or notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        notification.status = Notification.Status.DEAD
        outcome = "dead"
    else:
        notification.status = Notification.Status.PENDING
        notification.next_attempt_at = timezone.now() + backoff(notification.attempts)
        outcome = "failed"
    notification.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    logger.warning("Notification %s %s after attempt %s: %s", notification.pk, outcome, notification.attempts, exc)
    return outcome


def due_ids(limit: int) -> list[int]:
    return list(
        Notification.objects.filter(_claimable(timezone.now()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
