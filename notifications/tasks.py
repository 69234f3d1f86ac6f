"""Celery tasks of the outbox. They receive ids, reload the row, and are idempotent."""

from celery import shared_task
from django.conf import settings

from . import delivery


@shared_task(name="notifications.tasks.deliver_notification")
def deliver_notification(notification_id: int) -> str:
    return delivery.deliver(notification_id)


@shared_task(name="notifications.tasks.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    """Deliver what is pending and due: rows whose task was lost, or whose retry time has come."""
    outcomes: dict[str, int] = {}
    for notification_id in delivery.due_ids(settings.OUTBOX_SWEEP_BATCH):
        outcome = delivery.deliver(notification_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
