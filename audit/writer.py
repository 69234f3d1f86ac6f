"""Writes access-log entries. Called in the transaction of the change it records (services
report inside their atomic blocks), so a rolled-back change leaves no entry and a committed one
always has its entry."""

from __future__ import annotations

from django.utils import timezone

from . import context
from .models import AccessLogEntry, AccessLogSubject


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
        basis=basis[:200],
        purpose=purpose[:300],
        channel=where.channel,
        request_id=where.request_id,
        client_address=where.client_address,
        user_agent=where.user_agent,
        outcome=outcome,
    )
    entry.save(force_insert=True)
    subjects = [AccessLogSubject(entry=entry, kind="case", ref_id=i) for i in sorted(set(case_ids)) if i is not None]
    subjects += [
        AccessLogSubject(entry=entry, kind="person", ref_id=i) for i in sorted(set(person_ids)) if i is not None
    ]
    if subjects:
        AccessLogSubject.objects.bulk_create(subjects)
    return entry
