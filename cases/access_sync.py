"""The only writer of django-guardian rows for cases: it derives them from ownership and grants.

For each case the wanted rows are: every scope permission for the owning agency (an unbounded window),
and for each agency with grants, the permissions of their scopes with the window of the grant
that is valid now and lasts longest (or, for a grant still to come, the earliest). Rows that are
not wanted are deleted; rows whose window changed are updated."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from agencies.services import agency_group_id

from .models import ALWAYS_FROM, ALWAYS_UNTIL, AccessGrant, Case, CaseGroupObjectPermission
from .scopes import ALL_SCOPE_PERMISSIONS, PERM_BASIC, SCOPE_PERMISSIONS


@lru_cache(maxsize=1)
def permission_ids() -> dict[str, int]:
    """codename -> Permission id of the case scope permissions (stable after migrate)."""
    return dict(
        Permission.objects.filter(content_type__app_label="cases", codename__in=ALL_SCOPE_PERMISSIONS).values_list(
            "codename", "id"
        )
    )


Window = tuple[datetime, datetime]


def _better(current: Window | None, candidate: Window, now: datetime) -> Window:
    if current is None:
        return candidate
    current_live, candidate_live = current[0] <= now, candidate[0] <= now
    if candidate_live != current_live:
        return candidate if candidate_live else current
    if candidate_live:  # both valid now: the longer one
        return candidate if candidate[1] > current[1] else current
    return candidate if candidate[0] < current[0] else current  # both future: the earlier one


def wanted_rows(case: Case, grants: Iterable[AccessGrant], now: datetime) -> dict[tuple[int, int], Window]:
    perms = permission_ids()
    wanted: dict[tuple[int, int], Window] = {}
    owner_group = agency_group_id(case.owner_agency)
    for codename in ALL_SCOPE_PERMISSIONS:
        wanted[(owner_group, perms[codename])] = (ALWAYS_FROM, ALWAYS_UNTIL)
    for grant in grants:
        if (
            grant.revoked_at is not None
            or grant.valid_until <= now
            or grant.approval not in AccessGrant.IN_FORCE
            or not grant.grantee_agency.is_active
            or grant.grantee_agency_id == case.owner_agency_id
        ):
            continue
        group = agency_group_id(grant.grantee_agency)
        for codename in SCOPE_PERMISSIONS[grant.scope]:
            key = (group, perms[codename])
            wanted[key] = _better(wanted.get(key), (grant.valid_from, grant.valid_until), now)
    return wanted


@transaction.atomic
def case_permissions_sync(case: Case) -> None:
    """Bring the case's guardian rows in line with its owner and grants (idempotent)."""
    # Lock the case first: syncs of one case run one after the other, so a sync that read the
    # grants before a concurrent revocation committed cannot write the revoked rows back.
    case = Case.objects.select_for_update().select_related("owner_agency").get(pk=case.pk)
    now = timezone.now()
    grants = AccessGrant.objects.filter(case=case, revoked_at__isnull=True, valid_until__gt=now).select_related(
        "grantee_agency"
    )
    wanted = wanted_rows(case, grants, now)
    existing = {
        (row.group_id, row.permission_id): row
        for row in CaseGroupObjectPermission.objects.select_for_update().filter(content_object=case)
    }
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale:
        CaseGroupObjectPermission.objects.filter(pk__in=stale).delete()
    new_rows = []
    for (group_id, permission_id), (valid_from, valid_until) in wanted.items():
        row = existing.get((group_id, permission_id))
        if row is None:
            new_rows.append(
                CaseGroupObjectPermission(
                    content_object=case,
                    group_id=group_id,
                    permission_id=permission_id,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    **listing_copies(case, permission_id),
                )
            )
        elif (row.valid_from, row.valid_until) != (valid_from, valid_until):
            row.valid_from, row.valid_until = valid_from, valid_until
            row.save(update_fields=["valid_from", "valid_until"])
    CaseGroupObjectPermission.objects.bulk_create(new_rows)


def listing_copies(case: Case, permission_id: int) -> dict:
    """What a new permission row copies from its case: the listing row (basic permission) what
    the case list orders and filters by; the others nothing. Later changes of the case reach
    the copies through the database trigger of migration cases 0008."""
    if permission_id != permission_ids()[PERM_BASIC]:
        return {"case_updated_at": None, "case_status": None, "case_district_id": None}
    return {"case_updated_at": case.updated_at, "case_status": case.status, "case_district_id": case.district_id}


def case_touch(case_id: int, when: datetime | None = None) -> datetime:
    """Mark the case as changed now, so the case list shows it first. The copy on the case's
    listing rows (one per agency that sees it) follows in the same statement, by trigger; the
    other permission rows are not rewritten. Every write to a case goes through here."""
    when = when or timezone.now()
    Case.objects.filter(pk=case_id).update(updated_at=when)
    return when


def expired_permissions_remove(now: datetime | None = None) -> int:
    """Periodic cleanup: delete rows of grants past their end, then re-derive those cases so a
    later grant of the same agency takes over. Returns the number of cases touched."""
    now = now or timezone.now()
    case_ids = list(
        CaseGroupObjectPermission.objects.filter(valid_until__lte=now)
        .values_list("content_object_id", flat=True)
        .distinct()
    )
    for case in Case.objects.filter(pk__in=case_ids).select_related("owner_agency"):
        case_permissions_sync(case)
    return len(case_ids)
