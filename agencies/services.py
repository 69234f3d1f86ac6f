"""Writes of agencies and memberships. Rights come from the roles held (agencies.roles); the
agency's group exists only as the anchor of its object permissions on cases.

Roles follow two-person control: an administrator asks for a role (membership_request), and it
takes effect only when a second person confirms it (membership_confirm; who may is decided by
access.memberships). Taking a role away needs nobody's confirmation. Every step is in the access
log and alerts the auditors."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from access.decide import refuse, require
from access.rules import Action

from .models import Agency, Membership, OrgUnit
from .roles import PRIVILEGED_ROLES, Role


def agency_group_id(agency: Agency) -> int:
    """The id of the agency's permission group (the anchor of its guardian rows), created on first use."""
    if agency.group_id is None:
        with transaction.atomic():
            locked = Agency.objects.select_for_update().get(pk=agency.pk)
            if locked.group_id is None:
                locked.group = Group.objects.create(name=f"agency:{agency.pk}")
                locked.save(update_fields=["group"])
            agency.group_id = locked.group_id
    return agency.group_id


@transaction.atomic
def membership_add(*, user, agency: Agency, role: str, org_unit: OrgUnit | None = None) -> Membership:
    """An active role without a second person: only for the system's own bootstrap (the demo
    data, the first administrator, tests). No page and no admin form reaches it."""
    if org_unit is not None and org_unit.agency_id != agency.pk:
        raise ValueError("The org unit belongs to another agency.")
    membership, created = Membership.objects.get_or_create(
        user=user,
        agency=agency,
        role=role,
        defaults={"org_unit": org_unit, "status": Membership.Status.ACTIVE, "confirmed_at": timezone.now()},
    )
    if not created and membership.org_unit_id != (org_unit.pk if org_unit else None):
        membership.org_unit = org_unit
        membership.save(update_fields=["org_unit"])
    agency_group_id(agency)
    return membership


def _report(actor, membership: Membership, purpose: str) -> None:
    from audit import alerts  # audit depends on agencies, not the other way round at import time

    events.report(
        actor=actor,
        action="change",
        object_type="membership",
        object_ids=[membership.pk],
        purpose=purpose,
        agency_id=membership.agency_id,
    )
    alerts.alert(
        "audit.role_change", gettext_lazy("A role was asked for, confirmed or taken away"), f"M-{membership.pk}"
    )


def _confirmers(membership: Membership):
    from accounts.models import User

    active = {"memberships__status": Membership.Status.ACTIVE, "is_active": True}
    if membership.role in PRIVILEGED_ROLES:
        found = User.objects.filter(memberships__role=Role.ADMINISTRATOR, **active)
    else:
        found = User.objects.filter(memberships__role=Role.TEAM_LEAD, memberships__agency=membership.agency, **active)
        if not found.exclude(pk=membership.user_id).exists():
            found = User.objects.filter(memberships__role=Role.ADMINISTRATOR, **active)
    return found.exclude(pk__in=[membership.user_id, membership.requested_by_id]).distinct()


def request_errors(*, actor, user, agency: Agency, role: str, org_unit: OrgUnit | None = None) -> dict:
    """Why a role cannot be asked for (field -> message), for the form and the service."""
    errors = {}
    if user.pk == actor.pk:
        events.denied(actor=actor, object_type="membership", action="change")
        errors["user"] = _("You cannot give yourself a role. Another administrator has to do it.")
    if role not in Role.values:
        errors["role"] = _("Please choose a role.")
    if not agency.is_active:
        errors["agency"] = _("This agency has been deactivated.")
    if org_unit is not None and org_unit.agency_id != agency.pk:
        errors["org_unit"] = _("The org unit belongs to another agency.")
    client = getattr(user, "api_client", None) if user.pk else None
    if client is not None and (client.agency_id != agency.pk or role in PRIVILEGED_ROLES):
        # A partner system's key acts for its own agency, never with the rights that watch the system.
        errors["role"] = _("A partner system's account holds roles of its own agency only, and no privileged role.")
    if not errors and Membership.objects.filter(user=user, agency=agency, role=role).exists():
        errors["role"] = _("This person already holds or awaits this role in this agency.")
    return errors


@transaction.atomic
def membership_request(*, actor, user, agency: Agency, role: str, org_unit: OrgUnit | None = None) -> Membership:
    """Ask for a role; it waits for a second person's confirmation."""
    from notifications.services import notify

    require(actor, Action.ROLES_REQUEST)
    if errors := request_errors(actor=actor, user=user, agency=agency, role=role, org_unit=org_unit):
        raise ValidationError(errors)
    membership = Membership.objects.create(
        user=user, agency=agency, role=role, org_unit=org_unit, requested_by=actor, status=Membership.Status.PENDING
    )
    agency_group_id(agency)
    _report(actor, membership, f"requested: {role} for {user.get_username()}")
    notify(
        recipients=list(_confirmers(membership)),
        kind="agencies.role_requested",
        subject=gettext_lazy("A role awaits your confirmation"),
        link=reverse("agencies:roles"),
    )
    return membership


def _pending(membership: Membership) -> Membership:
    locked = Membership.objects.select_for_update().select_related("user", "agency").filter(pk=membership.pk).first()
    if locked is None or locked.status != Membership.Status.PENDING:
        raise ValidationError(_("This role has been decided already."))
    return locked


@transaction.atomic
def membership_confirm(*, actor, membership: Membership) -> Membership:
    from access.memberships import may_confirm
    from notifications.services import notify

    membership = _pending(membership)
    if may_confirm(actor, membership) is None:
        refuse(actor, Action.ROLE_CONFIRM_CASE)
    membership.status, membership.confirmed_by, membership.confirmed_at = (
        Membership.Status.ACTIVE,
        actor,
        timezone.now(),
    )
    membership.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    _report(actor, membership, f"confirmed: {membership.role} for {membership.user.get_username()}")
    notify(
        recipients=[membership.user],
        kind="agencies.role_confirmed",
        subject=gettext_lazy("A new role has been confirmed for you"),
        link="/",
    )
    return membership


@transaction.atomic
def membership_refuse(*, actor, membership: Membership, reason: str) -> None:
    from access.memberships import may_confirm

    membership = _pending(membership)
    if may_confirm(actor, membership) is None:
        refuse(actor, Action.ROLE_CONFIRM_CASE)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Please give a reason.")})
    _report(actor, membership, f"refused: {membership.role} for {membership.user.get_username()}: {reason.strip()}")
    membership.delete()


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Take a role away: at once, without a second person (less right is never a risk)."""
    require(actor, Action.ROLES_REQUEST)
    if membership.user_id == actor.pk:
        raise ValidationError(_("Another administrator has to change your own roles."))
    _report(actor, membership, f"removed: {membership.role} of {membership.user.get_username()}")
    membership.delete()


@transaction.atomic
def memberships_reconfirm(*, actor, reason: str, user=None, agency: Agency | None = None) -> int:
    """Put roles back to awaiting a second person's confirmation — after a change that could
    hand a confirmed role to someone else (a new invitation or mail address for an account
    never used) or that would revive it without anyone confirming (an account or agency
    switched on again). Returns how many roles wait now."""
    from notifications.services import notify

    roles = Membership.objects.filter(status=Membership.Status.ACTIVE)
    roles = roles.filter(user=user) if user is not None else roles.filter(agency=agency)
    changed = []
    for membership in roles.select_related("user", "agency"):
        membership.status, membership.requested_by = Membership.Status.PENDING, actor
        membership.confirmed_by, membership.confirmed_at = None, None
        membership.save(update_fields=["status", "requested_by", "confirmed_by", "confirmed_at"])
        _report(
            actor, membership, f"back to confirmation ({reason}): {membership.role} of {membership.user.get_username()}"
        )
        changed.append(membership)
    for membership in changed:
        notify(
            recipients=list(_confirmers(membership)),
            kind="agencies.role_requested",
            subject=gettext_lazy("A role awaits your confirmation"),
            link=reverse("agencies:roles"),
        )
    return len(changed)


@transaction.atomic
def agency_deactivate(*, actor, agency: Agency) -> int:
    """Deactivate an agency: its members lose every access at once (memberships of inactive
    agencies are not read), and the permission rows of grants to it are removed. Returns how
    many cases were re-derived."""
    from cases.access_sync import case_permissions_sync
    from cases.models import Case, CaseGroupObjectPermission

    require(actor, Action.ROLES_REQUEST)
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    agency.is_active = False
    case_ids = set(
        CaseGroupObjectPermission.objects.filter(group_id=agency.group_id).values_list("content_object_id", flat=True)
    )
    for case in Case.objects.filter(pk__in=case_ids).exclude(owner_agency=agency):
        case_permissions_sync(case)
    events.report(actor=actor, action="change", object_type="agency", object_ids=[agency.pk], purpose="deactivated")
    return len(case_ids)
