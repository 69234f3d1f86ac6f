"""Keyset ("cursor") pages for sync: rows in the order (changed at, id), the cursor names the last
row handed out, the next page starts strictly after it. No row is skipped or repeated by rows
changing while a partner pages through: a row changed meanwhile moves behind the cursor and comes
again with its new state, which is what a sync wants. Rows changed after the horizon — a few
seconds ago, or the start of the oldest transaction still open — are held back, so a change whose
transaction commits after its timestamp cannot slip behind a cursor that has already passed it.
(The times are the web servers' clocks: keep them synchronised, NTP, within SETTLE.)

Only the rows handed out are logged as read (the one row fetched to see whether there is a
next page is not)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

SETTLE = timedelta(seconds=2)
MAX_PAGE_SIZE = 200


# The oldest transaction still open in this database under the application's role (another
# request or job): whatever it stamps, it stamps after it began.
_OLDEST_OPEN_TRANSACTION = """
SELECT min(xact_start) FROM pg_stat_activity
WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()
  AND xact_start IS NOT NULL
"""


def horizon() -> datetime:
    """Rows changed at or after this moment are held back: SETTLE before now, or before the
    start of the oldest transaction still open (a slow request, a lock wait, a long job) — its
    changes carry a time from after its start and must not land behind a cursor that has passed
    it. SQLite (the demo) has one writer at a time."""
    moment = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_OLDEST_OPEN_TRANSACTION)
            (oldest,) = cursor.fetchone()
        if oldest is not None:
            moment = min(moment, oldest)
    return moment - SETTLE


def encode(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = text.split("|")
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("This cursor is not valid. Start again without one.")]}) from None


def page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return settings.API_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [_("Between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}]})
    return size


def keyset_page(request, queryset, *, field: str = "updated_at") -> tuple[list, str | None, bool]:
    """One page of a reporting queryset (access.reporting), the cursor to continue from (kept by
    a syncing partner even when the page is empty) and whether more rows wait now."""
    report = getattr(queryset, "_list_report", None)
    rows_query = queryset.filter(**{f"{field}__lt": horizon()}).order_by(field, "pk")
    cursor = request.query_params.get("cursor")
    if cursor:
        moment, pk = decode(cursor)
        rows_query = rows_query.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    size = page_size(request)
    if hasattr(rows_query, "unreported"):
        rows_query = rows_query.unreported()
    rows = list(rows_query[: size + 1])
    rows, more = rows[:size], len(rows) > size
    if report is not None:
        report(rows)
    # Nothing new: the partner asks again later with the same cursor.
    next_cursor = encode(getattr(rows[-1], field), rows[-1].pk) if rows else cursor
    return rows, next_cursor, more


def paged(request, queryset, serialize, *, field: str = "updated_at") -> dict:
    rows, next_cursor, more = keyset_page(request, queryset, field=field)
    return {"results": serialize(rows), "next_cursor": next_cursor, "has_more": more}
