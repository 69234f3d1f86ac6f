"""Writes of the outbox: notify() for every capability, plus read marks and dead-letter retry."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone, translation

from .models import Notification, PartnerEvent, WebhookEndpoint
from .webhooks import check_url, new_secret

logger = logging.getLogger(__name__)

Channel = Notification.Channel


@dataclass(frozen=True)
class Attachment:
    """One file sent with a mail: a name, a MIME type and text content — or a function making
    it, called in each recipient's language like the subject."""

    name: str
    content: str | Callable[[], str]
    mimetype: str = "text/plain"

    def fields(self) -> dict[str, str]:
        content = self.content() if callable(self.content) else self.content
        return {"attachment_name": self.name, "attachment": content, "attachment_type": self.mimetype}


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    body: str = "",
    params: dict | None = None,
    reference: str = "",
    link: str = "",
    channels: Sequence[str] = (Channel.IN_APP,),
    attachment: Attachment | None = None,
) -> list[Notification]:
    """Write one outbox row per recipient and channel in the caller's transaction; delivery is
    scheduled on commit (and by the periodic sweep should the broker be unreachable).

    `subject` and `body` are (lazy) translatable texts with %(name)s fields filled from
    `params`; they are rendered in each recipient's language. They must not carry social data:
    name the reference (a case number) and link to the page, which checks access itself.
    `attachment` goes with the mails only, under the same promise."""
    params = params or {}
    now = timezone.now()
    rows = []
    for recipient in recipients:
        with translation.override(getattr(recipient, "language", None) or "de"):
            rendered_subject = str(subject) % params if params else str(subject)
            rendered_body = (str(body) % params if params else str(body)) if body else ""
            attached = attachment.fields() if attachment and Channel.EMAIL in channels else {}
        for channel in channels:
            rows.append(
                Notification(
                    recipient=recipient,
                    channel=channel,
                    kind=kind,
                    subject=rendered_subject[:200],
                    body=rendered_body,
                    reference=reference,
                    link=link,
                    next_attempt_at=now,
                    **(attached if channel == Channel.EMAIL else {}),
                )
            )
    return _write(rows)


def _write(rows: list[Notification]) -> list[Notification]:
    """Insert the rows in the caller's transaction; deliver them once it commits."""
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if ids:
        transaction.on_commit(partial(enqueue_delivery, ids), robust=True)
    return created


def notify_address(
    *, address: str, kind: str, subject: str, body: str = "", reference: str = "", link: str = "", language="de"
) -> Notification:
    """A mail to an address without an account (e.g. a counselling centre's functional mailbox)."""
    with translation.override(language):
        rendered_subject, rendered_body = str(subject), str(body)
    (row,) = _write(
        [
            Notification(
                recipient_email=address,
                channel=Channel.EMAIL,
                kind=kind,
                subject=rendered_subject[:200],
                body=rendered_body,
                reference=reference,
                link=link,
                next_attempt_at=timezone.now(),
            )
        ]
    )
    return row


@transaction.atomic
def webhook_endpoint_create(*, agency, url: str, events=()) -> tuple[WebhookEndpoint, str]:
    """Register a partner system's endpoint; returns it with its signing secret (shown once)."""
    check_url(url)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(agency=agency, url=url, secret=secret, events=list(events))
    return endpoint, secret


def notify_partner_systems(*, agency, event: str, data: dict) -> list[Notification]:
    """One signed webhook per endpoint of the agency that subscribed to `event`. `data` carries
    ids and references only — the partner fetches details through the API, with its grants."""
    now = timezone.now()
    PartnerEvent.objects.create(agency=agency, event=event, data=data, created_at=now)
    rows = [
        _webhook_row(endpoint, event, data, now)
        for endpoint in WebhookEndpoint.objects.filter(agency=agency, is_active=True)
        if endpoint.wants(event)
    ]
    return _write(rows)


def notify_endpoint(*, endpoint: WebhookEndpoint, event: str, data: dict) -> Notification:
    """One webhook to this endpoint whatever it subscribed to (the test event of its page)."""
    (row,) = _write([_webhook_row(endpoint, event, data, timezone.now())])
    return row


def _webhook_row(endpoint: WebhookEndpoint, event: str, data: dict, now) -> Notification:
    return Notification(
        endpoint=endpoint,
        channel=Channel.WEBHOOK,
        kind=event,
        subject=event,
        payload={"type": event, "data": data},
        next_attempt_at=now,
    )


def enqueue_delivery(notification_ids: Sequence[int]) -> int:
    """Hand the rows to the broker; returns how many were enqueued. A broker that is down is
    not an error here: the rows stay pending and the sweep delivers them later."""
    from .tasks import deliver_notification

    enqueued = 0
    for notification_id in notification_ids:
        try:
            deliver_notification.apply_async(args=[notification_id], retry=False)
        except Exception:  # noqa: BLE001 - any broker failure means "leave it to the sweep"
            logger.warning(
                "Broker unreachable; %d notification(s) left for the sweep.", len(notification_ids) - enqueued
            )
            break
        enqueued += 1
    return enqueued


def notification_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of the user's own in-app notifications read; False if the user has no such row."""
    mine = Notification.objects.filter(
        pk=notification_id, recipient=user, channel=Channel.IN_APP, status=Notification.Status.DELIVERED
    )
    if not mine.exists():
        return False
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return True


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Channel.IN_APP, status=Notification.Status.DELIVERED, read_at__isnull=True
    ).update(read_at=timezone.now())


def notification_retry(*, notification_id: int) -> bool:
    """Put a dead letter back in the queue with fresh attempts (administrators, after a fix)."""
    updated = Notification.objects.filter(pk=notification_id, status=Notification.Status.DEAD).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if updated:
        transaction.on_commit(partial(enqueue_delivery, [notification_id]), robust=True)
    return bool(updated)


def partner_events_purge(*, days: int) -> int:
    """Events of the feed older than `days` are deleted (the beat job)."""
    deleted, _rows = PartnerEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
