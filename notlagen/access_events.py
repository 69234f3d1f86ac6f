"""The hook every read, change and refusal of personal data goes through.

Selectors and services call these functions; audit.receivers stores every event in the
tamper-evident access log (in the caller's transaction). One mechanism, so no path can forget
to report."""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger("notlagen.access")

# Sent with: actor, action, object_type, object_ids, case_ids, person_ids, basis, purpose, outcome.
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


def denied(*, actor, object_type: str, object_id, action: str = "view") -> None:
    report(actor=actor, action=action, object_type=object_type, object_ids=[object_id], outcome="denied")
