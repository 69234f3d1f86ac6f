"""The hook every read, change and refusal of personal data goes through.

Selectors, services and the access layer call these functions; audit.receivers stores every
event in the tamper-evident access log. One mechanism, so no path can forget to report."""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger("notlagen.access")

# Sent with: actor, action, object_type, object_ids, case_ids, person_ids, basis, purpose,
# outcome, agency_id (the agency the actor acted for, when known).
access_event = Signal()


def report(
    *,
    actor,
    action: str,
    object_type: str,
    object_ids=(),
    case_ids=(),
    person_ids=(),
    basis: str = "",
    purpose: str = "",
    outcome: str = "allowed",
    agency_id: int | None = None,
) -> None:
    payload = {
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_ids": [i for i in object_ids if i is not None],
        "case_ids": sorted({i for i in case_ids if i is not None}),
        "person_ids": sorted({i for i in person_ids if i is not None}),
        "basis": basis,
        "purpose": purpose,
        "outcome": outcome,
        "agency_id": agency_id,
    }
    access_event.send(sender=object_type, **payload)
    logger.debug(
        "%s %s %s ids=%s cases=%s by=%s basis=%s",
        outcome,
        action,
        object_type,
        payload["object_ids"][:50],
        payload["case_ids"][:50],
        getattr(actor, "pk", None),
        basis,
    )


def denied(*, actor, object_type: str, object_id=None, action: str = "view", case_id=None) -> None:
    """A refusal: the same shape wherever it happens (object type, the id asked for, the case)."""
    report(
        actor=actor,
        action=action,
        object_type=object_type,
        object_ids=[object_id] if object_id is not None else [],
        case_ids=[case_id] if case_id is not None else [],
        outcome="denied",
    )
