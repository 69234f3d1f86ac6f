"""Celery tasks of case conferences: they take no arguments that carry data and are idempotent."""

from celery import shared_task

from .services.reminders import remind as _remind


@shared_task(name="conferences.tasks.remind")
def remind() -> dict[str, int]:
    return _remind()
