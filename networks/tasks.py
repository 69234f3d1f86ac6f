"""Celery tasks of network meetings: no arguments that carry data, idempotent."""

from celery import shared_task

from .services.reminders import remind as _remind


@shared_task(name="networks.tasks.remind")
def remind() -> dict[str, int]:
    return _remind()
