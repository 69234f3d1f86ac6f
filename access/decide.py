"""The one function that answers "may this actor do this action on this object, and through
which right": `may`. `require` is the same, but refuses (logged) with NotFound. Every channel
asks here; the rules themselves are the table in access.rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from agencies.selectors import agencies_of, role_permissions_in
from cases.scopes import NoteCategory

from . import events
from .errors import NotFound
from .rules import Action, Category, On, Rule, rule


@dataclass(frozen=True)
class Right:
    """Through which agency an action is allowed, and whether that agency owns the object."""

    agency_id: int
    owned: bool = False


def _session_allows(user, spec: Rule) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if spec.staff and not user.is_staff:
        return False
    if spec.second_factor and not settings.DEMO_RELAX_SECOND_FACTOR:
        verified = getattr(user, "is_verified", None)
        return bool(verified and verified())
    return True


def _first_right(user, spec: Rule, candidates, *, category=None, owner_id=None, record_agency_id=None) -> Right | None:
    """The first candidate agency (id, scope permissions it holds) through which the rule allows."""
    role_requirements, scope = spec.needs(category)
    for agency_id, held in candidates:
        if spec.owner_only and agency_id != owner_id:
            continue
        if spec.other_agency and agency_id == owner_id:
            continue
        if spec.own_records and agency_id != owner_id and agency_id != record_agency_id:
            continue
        roles = role_permissions_in(user, agency_id)
        if scope <= held and all(required & roles for required in role_requirements):
            return Right(agency_id, owned=owner_id is not None and agency_id == owner_id)
    return None


def _own_agencies(user, *, receiving_only: bool = False) -> list[tuple[int, frozenset[str]]]:
    """The actor's agencies, for rules that need no scope on a case. `receiving_only`: only
    those that may receive case data at all (asking for access, breaking the glass)."""
    return [(agency.pk, frozenset()) for agency in agencies_of(user) if agency.receives_case_data or not receiving_only]


def case_right(
    access, action: Action | str, category: str | None = None, *, record_agency_id: int | None = None
) -> Right | None:
    """The right through which the actor may do `action` on the case of a CaseAccess (on a
    record of it created for `record_agency_id`, where the rule cares)."""
    spec = rule(action)
    if spec.on != On.CASE:
        raise ValueError(f"{action} is not an action on a case")
    if not _session_allows(access.user, spec):
        return None
    if spec.category == Category.ANY_READ:
        return next(
            filter(None, (case_right(access, Action.NOTE_READ, c) for c in NoteCategory.values)),
            None,
        )
    owner_id = access.case.owner_agency_id
    if spec.other_agency:
        candidates = _own_agencies(access.user, receiving_only=True)
    else:
        # The owning agency first, so an owner who also holds a grant acts as the owner.
        candidates = sorted(access.agency_permissions.items(), key=lambda item: (item[0] != owner_id, item[0]))
    return _first_right(
        access.user, spec, candidates, category=category, owner_id=owner_id, record_agency_id=record_agency_id
    )


def may(user, action: Action | str, target=None, *, category: str | None = None) -> Right | None:
    """May `user` do `action` on `target` (None, a Case, a CaseAccess or a Person)? The right
    used, or None. Reads only; logs nothing (require() logs the refusal)."""
    from cases.models import Case, Person

    from .case_access import CaseAccess, case_access

    spec = rule(action)
    if spec.on == On.AGENCY:
        if not _session_allows(user, spec):
            return None
        return _first_right(user, spec, _own_agencies(user))
    if spec.on == On.PERSON:
        if not isinstance(target, Person) or not _session_allows(user, spec):
            return None
        return _first_right(user, spec, _own_agencies(user), owner_id=target.owner_agency_id)
    if isinstance(target, CaseAccess):
        return case_right(target, action, category) if target.user.pk == user.pk else may(user, action, target.case)
    if not isinstance(target, Case):
        raise TypeError(f"{action} needs a case")
    if spec.other_agency:
        if not _session_allows(user, spec):
            return None
        return _first_right(user, spec, _own_agencies(user, receiving_only=True), owner_id=target.owner_agency_id)
    try:
        resolved = case_access(user=user, case_id=target.pk, report=False, log_refusal=False)
    except NotFound:
        return None
    return case_right(resolved, action, category)


def require(user, action: Action | str, target=None, *, category: str | None = None) -> Right:
    """Like may(), but a refusal is logged as denied and raised as NotFound."""
    right = may(user, action, target, category=category)
    if right is None:
        refuse(user, action, target)
    return right


def refuse(user, action: Action | str, target=None) -> None:
    """Log the refusal of `action` on `target` and raise NotFound."""
    spec = rule(action)
    case = getattr(target, "case", target) if target is not None else None
    object_id = getattr(case, "pk", None)
    events.denied(
        actor=user,
        action=spec.verb,
        object_type=spec.object_type if spec.on != On.PERSON else "person",
        object_id=object_id,
        case_id=object_id if spec.on == On.CASE else None,
    )
    raise NotFound(spec.object_type, object_id, spec.verb)


def right_in(user, action: Action | str, agency) -> Right | None:
    """May `user` do the agency-level `action` in this particular agency?"""
    spec = rule(action)
    if spec.on != On.AGENCY or agency is None or not _session_allows(user, spec):
        return None
    agency_id = getattr(agency, "pk", agency)
    if agency_id not in {a.pk for a in agencies_of(user)}:
        return None
    return _first_right(user, spec, [(agency_id, frozenset())])


def require_in(user, action: Action | str, agency) -> Right:
    right = right_in(user, action, agency)
    if right is None:
        refuse(user, action)
    return right


def agency_for(user, action: Action | str, *, exclude: int | None = None):
    """The first agency of the user through which an agency-level action is allowed (for forms
    that create something in the user's agency), or None."""
    right = may(user, action)
    if right is None:
        return None
    agencies = {agency.pk: agency for agency in agencies_of(user)}
    if right.agency_id != exclude:
        return agencies.get(right.agency_id)
    spec = rule(action)
    candidates = [(pk, frozenset()) for pk in agencies if pk != exclude]
    other = _first_right(user, spec, candidates)
    return agencies.get(other.agency_id) if other else None
