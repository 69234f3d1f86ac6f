"""Writes access-log entries.

Inside a transaction (every service that changes data) the entry is written at once, so a
rolled-back change leaves no entry and a committed one always has its entry. Reads in a web
request outside a transaction are collected and written together when the request ends, in one
transaction: one commit per request instead of two per event (see AccessContextMiddleware,
which fails the request if that write fails, so no page goes out unlogged)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from . import context
from .models import AccessLogEntry


def _agency_of(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    from agencies.selectors import memberships_of

    memberships = memberships_of(actor)
    return memberships[0].agency if memberships else None


def write(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_ids=(),
    case_ids=(),
    person_ids=(),
    basis: str = "",
    purpose: str = "",
    outcome: str = "allowed",
    actor_name: str = "",
) -> AccessLogEntry:
    where = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AccessLogEntry(
        time=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
        agency=_agency_of(actor),
        action=action,
        object_type=object_type,
        object_ids=[int(i) for i in object_ids if i is not None][:500],
        case_ids=sorted({int(i) for i in case_ids if i is not None}),
        person_ids=sorted({int(i) for i in person_ids if i is not None}),
        basis=basis[:200],
        purpose=purpose[:300],
        channel=where.channel,
        request_id=where.request_id,
        client_address=where.client_address,
        user_agent=where.user_agent,
        outcome=outcome,
    )
    buffer = context.buffer()
    if buffer is not None and not connection.in_atomic_block:
        buffer.append(entry)
    else:
        save([entry])
    return entry


def save(entries: list[AccessLogEntry]) -> None:
    """Insert the entries in one statement (one commit for a whole request's reads)."""
    if entries:
        AccessLogEntry.objects.bulk_create(entries)
