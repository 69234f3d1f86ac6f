"""Reads of the access log for auditors: log metadata only, never case content."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AccessLogEntry

PAGE_SIZE = 50


def entries_page(queryset: QuerySet[AccessLogEntry], *, before: int | None) -> tuple[list[AccessLogEntry], int | None]:
    """Keyset pagination (newest first): fast on tens of millions of rows, no total count."""
    if before:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.select_related("agency").order_by("-id")[: PAGE_SIZE + 1])
    more = rows[PAGE_SIZE].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].pk if more else None)


def person_history(*, person_id: int, limit: int = 5000) -> list[AccessLogEntry]:
    """The person's newest `limit` accesses, in time order for the report."""
    newest = (
        AccessLogEntry.objects.filter(subjects__kind="person", subjects__ref_id=person_id)
        .select_related("agency")
        .order_by("-id")[:limit]
    )
    return list(reversed(list(newest)))


def review_related_entries(review, *, limit: int = 50) -> list[AccessLogEntry]:
    """What the reviewed person did in the reviewed window: the denials of a burst, or the
    entries while the emergency grant ran."""
    related = AccessLogEntry.objects.filter(actor_id=review.actor_id).order_by("-id")
    if review.grant_id:
        related = related.filter(time__gte=review.grant.valid_from, time__lte=review.grant.valid_until)
    else:
        related = related.filter(outcome="denied", time__gte=review.window_start, time__lte=review.window_end)
    return list(related[:limit])
