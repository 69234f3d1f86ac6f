"""Celery tasks of the partner API: no arguments that carry data, idempotent."""

from celery import shared_task
from django.conf import settings

from notifications.services import partner_events_purge

from .idempotency import purge


@shared_task(name="api.tasks.purge")
def purge_expired() -> dict[str, int]:
    """Idempotency-Key answers older than a day and feed events older than PARTNER_EVENT_DAYS
    are deleted: neither is replayed or handed out any more."""
    return {
        "idempotency": purge(),
        "events": partner_events_purge(days=settings.PARTNER_EVENT_DAYS),
    }
