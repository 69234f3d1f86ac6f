"""The case timeline: services write one CaseEvent per thing that happened, in their own
transaction; readers see the entries their scope allows (cases.selectors.note_categories_for)."""

from __future__ import annotations

from django.utils import timezone

from .models import Case, CaseEvent


def record(
    *, case: Case | int, kind: str, visibility: str, actor=None, agency_id=None, ref_id=None, at=None, **data
) -> CaseEvent:
    return CaseEvent.objects.create(
        case_id=getattr(case, "pk", case),
        kind=kind,
        visibility=visibility,
        actor=actor,
        agency_id=agency_id,
        ref_id=ref_id,
        at=at or timezone.now(),
        data=data,
    )
