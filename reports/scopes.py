"""Whose figures a person may ask for: an agency where they hold REPORTS_VIEW (the rule table
decides, access.decide.right_in), or the whole city.

The whole city is open to everyone who holds REPORTS_VIEW in some agency. Its figures are
aggregates over all agencies with every small count suppressed, and the committee's question is
about the city as a whole. Known residue (said in the method notes and the README): each report
is suppressed on its own, so someone who knows their own agency's true counts can subtract them
from a shown city figure and learn the count of all other agencies together in that cell — a
small count where only one other agency contributes. The same holds for overlapping periods.
The fix is suppression over the whole publication grid (periods x scopes) or consistent
perturbation (the cell-key method); neither is built yet.

"The desk" (the one-stop desk of DESIGN.md) is an agency like any other here: its team leads
choose it by its name. No field marks an agency as the desk, so no scope of its own is offered."""

from __future__ import annotations

from dataclasses import dataclass

from access.decide import may, refuse, right_in
from access.rules import Action
from agencies.selectors import agencies_of

CITY = "stadt"


@dataclass(frozen=True)
class Scope:
    value: str  # CITY or an agency's id, as the form sends it
    agency: object  # the Agency, or None for the city
    agency_id_for_log: int | None  # the agency the person acts for

    @property
    def is_city(self) -> bool:
        return self.agency is None


def scopes_for(user) -> list[Scope]:
    """The scopes `user` may ask for: their agencies with the right, then the city."""
    scopes = []
    for agency in sorted(agencies_of(user), key=lambda a: a.name):
        right = right_in(user, Action.REPORTS_VIEW, agency)
        if right is not None:
            scopes.append(Scope(str(agency.pk), agency, agency.pk))
    right = may(user, Action.REPORTS_VIEW)
    if right is not None:
        scopes.append(Scope(CITY, None, right.agency_id))
    return scopes


def scope_of(user, agency) -> Scope:
    """The scope of an existing report (its agency, or None for the city), if `user` may see
    it; else the refusal is logged and NotFound raised (a 404 like any missing page)."""
    for scope in scopes_for(user):
        if (scope.agency is None and agency is None) or (
            agency is not None and scope.agency is not None and scope.agency.pk == agency.pk
        ):
            return scope
    refuse(user, Action.REPORTS_VIEW)
    raise AssertionError("unreachable")
