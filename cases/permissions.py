"""What a person may do on a case they can see. Rights are per agency: the role the person
holds *in the agency concerned* (agencies.roles.ROLE_PERMISSIONS) and that agency's scope or
ownership on the case must both allow it. Views use these to show actions, services to enforce."""

from __future__ import annotations

from agencies.models import Agency
from agencies.selectors import case_agencies_of, has_perm_in

from .models import Case, Person
from .scopes import NOTE_CATEGORY_PERMISSION, PERM_NOTES


def owns(user, case: Case) -> bool:
    return case.owner_agency_id in {agency.pk for agency in case_agencies_of(user)}


def owner_may(user, case: Case, perm: str) -> bool:
    return owns(user, case) and has_perm_in(user, case.owner_agency_id, perm)


def agency_for(user, perm: str, *, exclude: int | None = None) -> Agency | None:
    """The first of the user's case agencies where their role has `perm` (not `exclude`)."""
    return next(
        (a for a in case_agencies_of(user) if a.pk != exclude and has_perm_in(user, a.pk, perm)),
        None,
    )


def can_open_case(user) -> bool:
    return agency_for(user, "cases.add_case") is not None


def can_change_case(user, case: Case) -> bool:
    return owner_may(user, case, "cases.change_case")


def can_close_case(user, case: Case) -> bool:
    return owner_may(user, case, "cases.close_case")


def can_manage_grants(user, case: Case) -> bool:
    return owner_may(user, case, "cases.manage_grants")


def can_manage_consent(user, case: Case) -> bool:
    return owner_may(user, case, "cases.manage_consent")


def can_manage_person(user, person: Person, perm: str = "cases.manage_consent") -> bool:
    """Consent and identity of a person are kept by the agency that registered the person."""
    own = {a.pk for a in case_agencies_of(user)}
    return person.owner_agency_id in own and has_perm_in(user, person.owner_agency_id, perm)


def can_decide_access_requests(user, case: Case) -> bool:
    return owner_may(user, case, "cases.decide_access_requests")


def decides_access_requests_somewhere(user) -> bool:
    return agency_for(user, "cases.decide_access_requests") is not None


def note_agency(user, case: Case, category: str, role_perm: str = "cases.add_casenote") -> int | None:
    """The agency (id) in whose name the user may add a note (or, with `role_perm`, another
    record: task, appointment, document, goal) of `category` to the case: its scope must include
    collaboration and the category, and the user's role there must allow the record."""
    if category not in NOTE_CATEGORY_PERMISSION:
        return None
    needed = {PERM_NOTES, NOTE_CATEGORY_PERMISSION[category]}
    for agency_id, perms in case.agency_permissions.items():
        if needed <= perms and has_perm_in(user, agency_id, role_perm):
            return agency_id
    return None


def can_add_note(user, case: Case, category: str) -> bool:
    return note_agency(user, case, category) is not None
