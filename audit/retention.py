"""Retention: access-log entries are kept until the end of the ACCESS_LOG_RETENTION_YEARS-th
year after the entry (default: the second), then removed — whole seals at a time, so the rest
of the chain stays verifiable. This is the only deletion path, and it is itself logged.

On PostgreSQL the deletion runs inside audit_apply_retention(), a SECURITY DEFINER function
owned by the role notlagen_log_keeper: it drops the whole months past the horizon (partitions the
keeper owns) and deletes the few proven rows outside them — the append-only trigger lets a DELETE
through only for that role, so no application session can delete an entry itself. The function decides by the
database's own clock (hourly marks "entries up to id N existed at T") and by the policy written
into it at migrate time — not by entry times or arguments a caller could forge
(audit.retention_sql). On
SQLite (the demo) the trigger lets a DELETE through only while this connection holds the flag
table the job creates for its own transaction."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import writer
from .models import AccessLogChain, AccessLogEntry, AccessLogSeal


def retention_horizon(now: datetime | None = None) -> datetime:
    """Entries before this moment are past retention: 1 January of (this year - N)."""
    now = timezone.localtime(now or timezone.now())
    return now.replace(
        year=now.year - settings.ACCESS_LOG_RETENTION_YEARS, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


@transaction.atomic
def apply_retention(*, now: datetime | None = None) -> int:
    """Remove the sealed blocks past the horizon. On PostgreSQL the database's clock and marks
    decide (`now` only names the horizon in the log entry); on SQLite `now` (default: the present)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A partition with foreign-key checks still queued in this transaction cannot be dropped.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SELECT removed, up_to FROM audit_apply_retention()")
            removed, last_id = cursor.fetchone()
    else:
        removed, last_id = _apply_on_sqlite(retention_horizon(now))
    if removed:
        writer.write(
            actor=None,
            actor_name="retention",
            action="retention",
            object_type="access_log",
            object_ids=[last_id],  # verification accepts the seals up to here as retained
            purpose=f"{removed} entries up to id {last_id} (before {retention_horizon(now):%Y-%m-%d})",
        )
    return removed


def _apply_on_sqlite(horizon: datetime) -> tuple[int, int | None]:
    newest_old = AccessLogEntry.objects.filter(time__lt=horizon).order_by("-time").values_list("id", flat=True).first()
    if newest_old is None:
        return 0, None
    last_id = (
        AccessLogSeal.objects.filter(last_entry_id__lte=newest_old)
        .order_by("-last_entry_id")
        .values_list("last_entry_id", flat=True)
        .first()
    )
    if last_id is None:
        return 0, None
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS notlagen_retention_running (x integer)")
        try:
            _raw_delete(AccessLogChain.objects.filter(entry_id__lte=last_id))
            _raw_delete(AccessLogSeal.objects.filter(last_entry_id__lte=last_id))
            removed = _raw_delete(AccessLogEntry.objects.filter(id__lte=last_id))
        finally:
            cursor.execute("DROP TABLE temp.notlagen_retention_running")
    return removed, last_id


def _raw_delete(queryset) -> int:
    # The querysets refuse delete(); retention deletes below them on purpose.
    return queryset._raw_delete(queryset.db)
