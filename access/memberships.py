"""Who may confirm a role (two-person control over privilege). A role takes effect only once a
second person confirms it: for a case-working role the agency's team lead, for an auditor's or
administrator's role another administrator. Neither the member nor whoever asked may confirm;
an agency without a team lead yet gets its first one confirmed by another administrator."""

from __future__ import annotations

from agencies.models import Membership
from agencies.roles import PRIVILEGED_ROLES, Role

from .decide import Right, may, right_in
from .rules import Action


def _has_team_lead(agency_id: int, *, besides_user_id: int) -> bool:
    return (
        Membership.objects.filter(
            agency_id=agency_id, role=Role.TEAM_LEAD, status=Membership.Status.ACTIVE, user__is_active=True
        )
        .exclude(user_id=besides_user_id)
        .exists()
    )


def may_confirm(user, membership: Membership) -> Right | None:
    if user.pk in (membership.user_id, membership.requested_by_id):
        return None
    if membership.role in PRIVILEGED_ROLES:
        return may(user, Action.ROLE_CONFIRM_PRIVILEGED)
    right = right_in(user, Action.ROLE_CONFIRM_CASE, membership.agency_id)
    if right is None and not _has_team_lead(membership.agency_id, besides_user_id=membership.user_id):
        right = may(user, Action.ROLE_CONFIRM_PRIVILEGED)
    return right
