"""Who may do what in the case workspace. Records of the workspace follow their note category
(cases.scopes): the agency's scope on the case and the user's role there must both allow it."""

from __future__ import annotations

from cases import permissions as case_permissions
from cases.models import Case

# The role permission each kind of workspace record needs (agencies.roles.ROLE_PERMISSIONS).
RECORD_ROLE_PERMISSION = {
    "note": "cases.add_casenote",
    "task": "casework.add_task",
    "appointment": "casework.add_appointment",
    "document": "casework.add_document",
    "goal": "casework.add_goal",
}


def record_agency(user, case: Case, kind: str, category: str) -> int | None:
    """The agency in whose name the user may add a `kind` record of `category` to the case."""
    return case_permissions.note_agency(user, case, category, RECORD_ROLE_PERMISSION[kind])


def writable_categories(user, case: Case, kind: str, readable: list[str]) -> list[str]:
    return [c for c in readable if record_agency(user, case, kind, c) is not None]


def can_conduct_intake(user, case: Case) -> bool:
    """The first conversation and the situation belong to the owning agency."""
    return case_permissions.owner_may(user, case, "casework.add_intake")


def can_hand_over(user, case: Case) -> bool:
    return case_permissions.can_change_case(user, case)
