"""A user's access to one case, as an explicit value.

`case_access` resolves it once (the scope permissions each of the user's agencies holds on the
case now, from the guardian rows with their validity window; the case; the grants that explain
a partner's access), checks the action asked for and reports the read. Services take the
resulting CaseAccess — or resolve it themselves from a plain case with `access_for` — and ask
it, never attributes stuck on a model instance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from agencies.selectors import case_agencies_of, memberships_of
from cases.access_sync import permission_ids
from cases.models import AccessGrant, Case, CaseGroupObjectPermission, Visibility
from cases.scopes import NoteCategory, Scope, scopes_from_permissions

from . import events
from .decide import Right, case_right, refuse
from .errors import NotFound, as_int
from .rules import RECORD_ACTIONS, Action, rule


@dataclass(frozen=True, eq=False)
class CaseAccess:
    user: object
    case: Case
    # Per agency of the user: the case's scope permissions (codenames) that agency holds now.
    agency_permissions: Mapping[int, frozenset[str]]
    # The active grants through which a partner sees the case (for the banner and the log).
    explaining_grants: tuple[AccessGrant, ...] = field(default=())

    @property
    def pk(self) -> int:
        return self.case.pk

    @property
    def is_owned(self) -> bool:
        return self.case.owner_agency_id in self.agency_permissions

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset().union(*self.agency_permissions.values())

    @property
    def scopes(self) -> set[str]:
        return scopes_from_permissions(set(self.permissions))

    @property
    def scope_labels(self) -> list[str]:
        return [Scope(s).label for s in Scope.values if s in self.scopes]

    def right(self, action: Action | str, category: str | None = None, *, record=None) -> Right | None:
        """The right for `action`; `record` (a task, an appointment, …) for rules that let a
        partner change only what its own agency created."""
        return case_right(self, action, category, record_agency_id=getattr(record, "agency_id", None))

    def allows(self, action: Action | str, category: str | None = None, *, record=None) -> bool:
        return self.right(action, category, record=record) is not None

    def require(self, action: Action | str, category: str | None = None, *, record=None) -> Right:
        right = self.right(action, category, record=record)
        if right is None:
            refuse(self.user, action, self)
        return right

    @cached_property
    def readable_categories(self) -> list[str]:
        return [c for c in NoteCategory.values if self.allows(Action.NOTE_READ, c)]

    def writable_categories(self, kind: str) -> list[str]:
        """Categories in which the user may add a record of `kind` (note, task, document, …)."""
        add, _change = RECORD_ACTIONS[kind]
        return [c for c in self.readable_categories if self.allows(add, c)]

    @cached_property
    def timeline_visibilities(self) -> list[str]:
        """Which timeline entries the user sees: basic ones, those of readable categories, and
        sharing for those who manage it (who else is involved can itself be sensitive)."""
        levels = [Visibility.BASIC, *self.readable_categories]
        if self.allows(Action.SHARING_VIEW):
            levels.append(Visibility.OWNER)
        return levels

    @cached_property
    def acting_agency_id(self) -> int | None:
        """The agency the user acts for on this case: the owner, else the agency of the grant."""
        if self.is_owned:
            return self.case.owner_agency_id
        if self.explaining_grants:
            return self.explaining_grants[0].grantee_agency_id
        return min(self.agency_permissions, default=None)

    @cached_property
    def basis(self) -> str:
        """For the access log: the roles that allowed the access in the owning agency, or the grants."""
        if self.is_owned:
            roles = sorted(m.role for m in memberships_of(self.user) if m.agency_id == self.case.owner_agency_id)
            return f"owner:{','.join(roles)}"
        return "grant:" + ",".join(str(g.pk) for g in self.explaining_grants)

    def report(
        self, *, action: str, object_type: str, object_ids, purpose: str = "", agency_id: int | None = None
    ) -> None:
        """Report a read or change of something of this case, in the name of the acting agency."""
        events.report(
            actor=self.user,
            action=action,
            object_type=object_type,
            object_ids=list(object_ids),
            case_ids=[self.case.pk],
            person_ids=[self.case.person_id],
            basis=self.basis,
            purpose=purpose,
            agency_id=agency_id or self.acting_agency_id,
        )


def case_permissions_by_agency(*, user, case_id: int) -> dict[int, frozenset[str]]:
    """Per agency of the user: the scope permissions (codenames) it holds on the case now."""
    agencies = {a.group_id: a.pk for a in case_agencies_of(user) if a.group_id}
    if not agencies:
        return {}
    now = timezone.now()
    by_id = {v: k for k, v in permission_ids().items()}
    rows = CaseGroupObjectPermission.objects.filter(
        Q(valid_from__lte=now, valid_until__gt=now), group_id__in=list(agencies), content_object_id=case_id
    ).values_list("group_id", "permission_id")
    result: dict[int, set[str]] = {}
    for group_id, permission_id in rows:
        if permission_id in by_id:
            result.setdefault(agencies[group_id], set()).add(by_id[permission_id])
    return {agency_id: frozenset(perms) for agency_id, perms in result.items()}


def grants_explaining_access(*, user, case: Case) -> tuple[AccessGrant, ...]:
    """The active grants through which the user's agencies see the case (for the banner)."""
    return tuple(
        AccessGrant.objects.in_force()
        .filter(case=case, grantee_agency__in=case_agencies_of(user))
        .select_related("grantee_agency", "consent", "statute")
        .order_by("valid_until")
    )


def case_access(
    *,
    user,
    case_id,
    action: Action | str = Action.CASE_VIEW,
    category: str | None = None,
    report: bool = True,
    log_refusal: bool = True,
) -> CaseAccess:
    """The user's access to the case if it allows `action` (and, with `report`, the read of the
    case reported); else NotFound, logged as denied — exactly like a case that does not exist."""
    case_id = as_int(case_id, object_type="case")
    by_agency = case_permissions_by_agency(user=user, case_id=case_id)
    case = None
    if by_agency:
        case = (
            Case.objects.select_related("person", "owner_agency", "district")
            .prefetch_related("assigned_workers")
            .filter(pk=case_id)
            .first()
        )
    if case is None:
        _refuse_unseen(user, action, case_id, log_refusal)
    owned = case.owner_agency_id in by_agency
    access = CaseAccess(user, case, by_agency, () if owned else grants_explaining_access(user=user, case=case))
    if access.right(action, category) is None:
        if not log_refusal:
            raise NotFound("case", case_id)
        access.require(action, category)
    if report:
        access.report(action="view", object_type="case", object_ids=[case.pk])
    return access


def _refuse_unseen(user, action, case_id: int, log_refusal: bool) -> None:
    if log_refusal:
        events.denied(actor=user, object_type="case", object_id=case_id, action=rule(action).verb, case_id=case_id)
    raise NotFound("case", case_id)


def access_for(actor, case) -> CaseAccess:
    """The actor's access to `case` (a CaseAccess of the actor is used as it is; a plain Case
    or an id is resolved). A service calls this first, so a case loaded any other way is
    checked, never trusted — and refused with NotFound, never an AttributeError."""
    if isinstance(case, CaseAccess) and getattr(case.user, "pk", None) == getattr(actor, "pk", object()):
        return case
    case = getattr(case, "case", case)
    return case_access(user=actor, case_id=getattr(case, "pk", case), report=False)
