"""The daily retention job (beat: "retention-daily")."""

from __future__ import annotations

from celery import shared_task

from . import job


@shared_task(name="retention.tasks.run_retention")
def run_retention() -> dict:
    """Preview what goes within the next month, then anonymise what is due under the confirmed
    rules. Continues an interrupted run; returns the run's counts."""
    try:
        current = job.run()
    except job.RetentionBusy:
        return {"busy": True}
    return {"run": current.pk, **current.counts}
