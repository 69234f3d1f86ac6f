"""Celery tasks of referrals: they take no arguments that carry data and are idempotent."""

from celery import shared_task

from .services.reminders import remind_and_expire as _remind_and_expire


@shared_task(name="referrals.tasks.remind_and_expire")
def remind_and_expire() -> dict[str, int]:
    return _remind_and_expire()
