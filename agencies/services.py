"""Writes of agencies and memberships. Group membership follows the roles held, so
model-level permissions never drift from the Membership rows."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Agency, Membership, OrgUnit
from .roles import CASE_ROLES, ROLE_PERMISSIONS, Role, group_name


def role_groups_sync() -> None:
    """Create one group per role and give it exactly the permissions ROLE_PERMISSIONS names."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={name.split(".", 1)[1] for name in wanted}
        )
    }
    missing = wanted - by_name.keys()
    if missing:
        raise LookupError(f"ROLE_PERMISSIONS names unknown permissions: {sorted(missing)}")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set([by_name[name] for name in ROLE_PERMISSIONS[role]])


def agency_group_id(agency: Agency) -> int:
    """The id of the agency's permission group, created on first use."""
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
    if org_unit is not None and org_unit.agency_id != agency.pk:
        raise ValueError("The org unit belongs to another agency.")
    membership, created = Membership.objects.get_or_create(
        user=user, agency=agency, role=role, defaults={"org_unit": org_unit}
    )
    if not created and membership.org_unit_id != (org_unit.pk if org_unit else None):
        membership.org_unit = org_unit
        membership.save(update_fields=["org_unit"])
    role_group, _ = Group.objects.get_or_create(name=group_name(role))
    user.groups.add(role_group)
    if role in CASE_ROLES:
        user.groups.add(agency_group_id(agency))
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    user, role, agency = membership.user, membership.role, membership.agency
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=group_name(role)))
    if agency.group_id and not Membership.objects.filter(user=user, agency=agency, role__in=CASE_ROLES).exists():
        user.groups.remove(agency.group_id)
