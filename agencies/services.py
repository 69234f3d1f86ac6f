"""Writes of agencies and memberships. Rights come from the roles held (agencies.roles); the
agency's group exists only as the anchor of its object permissions on cases."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Agency, Membership, OrgUnit


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
    if org_unit is not None and org_unit.agency_id != agency.pk:
        raise ValueError("The org unit belongs to another agency.")
    membership, created = Membership.objects.get_or_create(
        user=user, agency=agency, role=role, defaults={"org_unit": org_unit}
    )
    if not created and membership.org_unit_id != (org_unit.pk if org_unit else None):
        membership.org_unit = org_unit
        membership.save(update_fields=["org_unit"])
    agency_group_id(agency)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()
