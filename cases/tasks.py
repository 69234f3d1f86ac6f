"""Periodic jobs of the access model."""

from celery import shared_task

from access import events

from .access_sync import expired_permissions_remove


@shared_task(name="cases.tasks.expire_grants")
def expire_grants() -> int:
    """Remove guardian rows of grants past their end (reads already refuse them at read time)."""
    touched = expired_permissions_remove()
    if touched:
        events.report(actor=None, action="expire", object_type="grant", case_ids=[], outcome="allowed")
    return touched
