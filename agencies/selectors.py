"""Reads of agencies and memberships (organisational data, no social data)."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User

from .models import Agency, Membership
from .roles import CASE_ROLES, ROLE_PERMISSIONS, roles_with

_CACHE_ATTR = "_notlagen_memberships"


def memberships_of(user) -> list[Membership]:
    """The user's roles in effect — confirmed, in an active agency — with agency and org unit,
    read once per request and cached on the user. A role awaiting confirmation, or in a
    deactivated agency, gives no right at all."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, status=Membership.Status.ACTIVE, agency__is_active=True)
            .select_related("agency", "org_unit")
            .order_by("agency__name")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def has_role(user, *roles: str) -> bool:
    """For authentication policy only (who must use a second factor); rights come from access.rules."""
    return bool(roles_of(user) & set(roles))


def role_permissions_in(user, agency_id: int) -> set[str]:
    """The model permissions the user's roles give in one agency (roles.ROLE_PERMISSIONS).
    Rights are per agency: a clerk at A who is a social worker at B is a clerk on A's cases."""
    perms: set[str] = set()
    for membership in memberships_of(user):
        if membership.agency_id == agency_id:
            perms |= ROLE_PERMISSIONS.get(membership.role, set())
    return perms


def has_perm_in(user, agency_id: int, perm: str) -> bool:
    return perm in role_permissions_in(user, agency_id)


def case_agencies_of(user) -> list[Agency]:
    """Agencies in which the user holds a role that reads cases (not auditor, administrator or
    a service account without rights)."""
    seen: dict[int, Agency] = {}
    for membership in memberships_of(user):
        if membership.role in CASE_ROLES:
            seen.setdefault(membership.agency_id, membership.agency)
    return list(seen.values())


def case_group_ids_of(user) -> list[int]:
    """The permission groups through which the user reaches cases."""
    return [agency.group_id for agency in case_agencies_of(user) if agency.group_id]


def agencies_of(user) -> list[Agency]:
    seen: dict[int, Agency] = {}
    for membership in memberships_of(user):
        seen.setdefault(membership.agency_id, membership.agency)
    return list(seen.values())


def agency_members(*, agency: Agency) -> QuerySet[User]:
    """Active members of an agency, each with their memberships there prefetched (two queries)."""
    here = Membership.objects.filter(agency=agency, status=Membership.Status.ACTIVE).select_related("org_unit")
    return (
        User.objects.filter(memberships__agency=agency, memberships__status=Membership.Status.ACTIVE, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
        .prefetch_related(Prefetch("memberships", queryset=here.order_by("role"), to_attr="memberships_here"))
    )


def agency_with_structure(*, agency_id: int) -> Agency:
    return (
        Agency.objects.prefetch_related("org_units", "locations__district").select_related("parent").get(pk=agency_id)
    )


def team_leads_of(*, agency: Agency) -> QuerySet[User]:
    return User.objects.filter(
        memberships__agency=agency,
        memberships__role="team_lead",
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    ).distinct()


def members_with_perm_in(*, agency_id: int, perm: str) -> QuerySet[User]:
    """Active members whose role in the agency gives `perm` (one query; roles.ROLE_PERMISSIONS)."""
    return (
        User.objects.filter(
            memberships__agency_id=agency_id,
            memberships__role__in=roles_with(perm),
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def case_workers_of(*, user) -> QuerySet[User]:
    """Colleagues who work on cases in the user's agencies (for assignment and filters)."""
    return (
        User.objects.filter(
            memberships__agency__in=case_agencies_of(user),
            memberships__role__in=CASE_ROLES,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def roles_awaiting(*, user) -> list[Membership]:
    """Roles awaiting confirmation that this user may confirm (access.memberships): never their
    own, never ones they asked for. Organisational data: who is to hold which role where."""
    from access import events
    from access.memberships import may_confirm

    pending = (
        Membership.objects.filter(status=Membership.Status.PENDING)
        .select_related("user", "agency", "org_unit", "requested_by")
        .order_by("created_at")
    )
    rows = [m for m in pending if may_confirm(user, m) is not None]
    if rows:
        events.report(actor=user, action="list", object_type="membership", object_ids=[m.pk for m in rows])
    return rows


def role_awaiting(*, user, membership_id) -> Membership:
    from access import events
    from access.errors import NotFound, as_int
    from access.memberships import may_confirm

    membership = (
        Membership.objects.filter(pk=as_int(membership_id, object_type="membership"), status=Membership.Status.PENDING)
        .select_related("user", "agency")
        .first()
    )
    if membership is None or may_confirm(user, membership) is None:
        events.denied(actor=user, object_type="membership", object_id=membership_id, action="change")
        raise NotFound("membership", membership_id)
    return membership
