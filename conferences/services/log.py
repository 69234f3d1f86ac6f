"""The access log of conference writes and reads: in the name of the side's acting agency."""

from __future__ import annotations

from access import events
from access.conferences import ConferenceSide


def report_change(actor, side: ConferenceSide, action: str, object_type: str, object_id: int) -> None:
    case = side.conference.case
    events.report(
        actor=actor,
        action=action,
        object_type=object_type,
        object_ids=[object_id],
        case_ids=[case.pk],
        person_ids=[case.person_id],
        basis="owner" if side.owner else f"conference:{side.conference.pk}",
        agency_id=side.acting_agency_id,
    )
