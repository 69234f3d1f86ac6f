"""The access-log entry of a sharing step."""

from __future__ import annotations

from access import events


def report(
    actor,
    action: str,
    obj,
    *,
    case=None,
    person_id=None,
    object_type=None,
    basis="",
    purpose="",
    agency_id=None,
    name_person: bool = True,
):
    """One entry for `obj` (a grant, consent, request or case). `name_person=False` keeps the
    person out of the entry's subjects where the actor has not seen whose case it is."""
    if person_id is None and name_person:
        person_id = getattr(case, "person_id", None)
    events.report(
        actor=actor,
        action=action,
        object_type=object_type or {"accessgrant": "grant"}.get(obj._meta.model_name, obj._meta.model_name),
        object_ids=[obj.pk],
        case_ids=[case.pk] if case is not None else [],
        person_ids=[person_id] if name_person else [],
        basis=basis,
        purpose=purpose,
        agency_id=agency_id if agency_id is not None else getattr(case, "owner_agency_id", None),
    )
