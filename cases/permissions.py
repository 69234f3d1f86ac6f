"""What a person may do on a case they can see: the role (model permission) and the case's
scope or ownership must both allow it. Views use these to show actions, services to enforce."""

from agencies.selectors import case_agencies_of

from .models import Case
from .scopes import NOTE_CATEGORY_PERMISSION, PERM_NOTES


def owns(user, case: Case) -> bool:
    return case.owner_agency_id in {agency.pk for agency in case_agencies_of(user)}


def can_open_case(user) -> bool:
    return user.has_perm("cases.add_case") and bool(case_agencies_of(user))


def can_change_case(user, case: Case) -> bool:
    return owns(user, case) and user.has_perm("cases.change_case")


def can_close_case(user, case: Case) -> bool:
    return owns(user, case) and user.has_perm("cases.close_case")


def can_manage_grants(user, case: Case) -> bool:
    return owns(user, case) and user.has_perm("cases.manage_grants")


def can_manage_consent(user, case: Case) -> bool:
    return owns(user, case) and user.has_perm("cases.manage_consent")


def can_decide_access_requests(user, case: Case) -> bool:
    return owns(user, case) and user.has_perm("cases.decide_access_requests")


def can_add_note(user, case: Case, category: str, permissions: set[str]) -> bool:
    """Adding notes needs the collaborate scope, and the category's own scope."""
    return (
        user.has_perm("cases.add_casenote")
        and PERM_NOTES in permissions
        and NOTE_CATEGORY_PERMISSION[category] in permissions
    )
