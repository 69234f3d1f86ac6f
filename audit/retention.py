"""Retention: access-log entries are kept until the end of the ACCESS_LOG_RETENTION_YEARS-th
year after the entry (default: the second), then removed — whole seals at a time, so the rest
of the chain stays verifiable. This is the only deletion path, and it is itself logged."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import writer
from .models import AccessLogChain, AccessLogEntry, AccessLogSeal, AccessLogSubject


def retention_horizon(now: datetime | None = None) -> datetime:
    """Entries before this moment are past retention: 1 January of (this year - N)."""
    now = timezone.localtime(now or timezone.now())
    return now.replace(
        year=now.year - settings.ACCESS_LOG_RETENTION_YEARS, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


@transaction.atomic
def apply_retention(*, now: datetime | None = None) -> int:
    horizon = retention_horizon(now)
    # Seals whose every entry is older than the horizon.
    newest_old = AccessLogEntry.objects.filter(time__lt=horizon).order_by("-time").values_list("id", flat=True).first()
    if newest_old is None:
        return 0
    seals = AccessLogSeal.objects.filter(last_entry_id__lte=newest_old)
    last_id = seals.order_by("-last_entry_id").values_list("last_entry_id", flat=True).first()
    if last_id is None:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The append-only trigger lets deletions through only with this flag, in this transaction.
            cursor.execute("SET LOCAL notlagen.retention = 'on'")
    removed = _raw_delete(AccessLogEntry.objects.filter(id__lte=last_id))
    _raw_delete(AccessLogSubject.objects.filter(entry_id__lte=last_id))
    _raw_delete(AccessLogChain.objects.filter(entry_id__lte=last_id))
    _raw_delete(AccessLogSeal.objects.filter(last_entry_id__lte=last_id))
    writer.write(
        actor=None,
        actor_name="retention",
        action="retention",
        object_type="access_log",
        purpose=f"{removed} entries up to id {last_id} (before {horizon:%Y-%m-%d})",
    )
    return removed


def _raw_delete(queryset) -> int:
    # The querysets refuse delete(); retention deletes below them on purpose.
    return queryset._raw_delete(queryset.db)
