"""Writes access-log entries.

Changes are written inside their transaction at once, so a rolled-back change leaves no entry
and a committed one always has its entry. Reads and refusals of a web request or a job are
collected and written together when it ends, in one insert: one commit per request instead of
two per event (see AccessContextMiddleware, which fails the request if that write fails, so no
page goes out unlogged, and keeps no "allowed" read of a request that was refused). A refusal
inside a transaction stays although that transaction rolls back; so does a read."""

from __future__ import annotations

from django.utils import timezone

from . import context
from .models import AccessLogEntry


def _agency_id_of(actor, agency_id: int | None) -> int | None:
    """The agency the actor acted for: as the access layer says, else their only agency."""
    if agency_id is not None or actor is None or not getattr(actor, "is_authenticated", False):
        return agency_id
    from agencies.selectors import memberships_of

    agencies = {m.agency_id for m in memberships_of(actor)}
    return agencies.pop() if len(agencies) == 1 else None


def entry_for(
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
    agency_id: int | None = None,
) -> AccessLogEntry:
    where = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AccessLogEntry(
        time=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
        agency_id=_agency_id_of(actor, agency_id),
        action=action,
        object_type=object_type[:30],
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


# What is read (or refused) is collected per request; what is changed is written in its transaction.
READ_ACTIONS = frozenset({"view", "list", "search", "export", "print"})


def write(**fields) -> AccessLogEntry:
    entry = entry_for(**fields)
    pending = context.pending()
    if pending is not None and (entry.outcome == "denied" or entry.action in READ_ACTIONS):
        pending.entries.append(entry)
        pending.denied_written = pending.denied_written or entry.outcome == "denied"
    else:
        save([entry])
    return entry


def save(entries: list[AccessLogEntry]) -> None:
    """Insert the entries in one statement (one commit for a whole request's reads)."""
    if entries:
        AccessLogEntry.objects.bulk_create(entries)
