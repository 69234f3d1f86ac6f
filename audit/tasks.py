"""Periodic jobs of the access log: sealing, retention and the detection of denied bursts."""

from celery import shared_task
from django.db import connection

from . import retention, retention_sql, review, sealing


@shared_task(name="audit.tasks.seal_access_log")
def seal_access_log() -> int:
    # The months ahead exist long before they are needed (a catalogue look-up when they do).
    retention_sql.create_partitions_ahead(connection)
    sealed = 0
    while (seal := sealing.seal_pending()) is not None:
        sealed += seal.count
    return sealed


@shared_task(name="audit.tasks.apply_retention")
def apply_retention() -> int:
    retention_sql.create_partitions_ahead(connection)
    return retention.apply_retention()


@shared_task(name="audit.tasks.detect_denied_bursts")
def detect_denied_bursts() -> int:
    return len(review.detect_denied_bursts())


@shared_task(name="audit.tasks.verify_access_log")
def verify_access_log_task(user_id: int | None = None) -> bool:
    from accounts.models import User

    from . import verification

    user = User.objects.filter(pk=user_id).first() if user_id else None
    return verification.run(started_by=user, by_name="" if user else "beat").ok
