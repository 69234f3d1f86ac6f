"""Helpers shared by the workspace views."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases.models import Case
from cases.scopes import Scope
from cases.selectors import CaseNotFound
from notlagen import access_events

from .. import permissions
from ..life_areas import ContactRestriction


def workspace_context(request, case, tab: str, **extra) -> dict:
    """What every workspace page shows around its tab: header, banner, tabs, the user's rights."""
    user = request.user
    readable = case_selectors.note_categories_for(user=user, case=case)
    context = {
        "case": case,
        "tab": tab,
        "readable_categories": readable,
        "explaining_grants": case.explaining_grants,
        "scopes": [Scope(s).label for s in Scope.values if s in case_selectors.scopes_of(case)],
        "can_conduct_intake": permissions.can_conduct_intake(user, case),
    }
    context.update(extra)
    return context


def refuse(request, case, object_type: str = "case", action: str = "change"):
    """Answer a refused action on a visible case exactly like a missing one, and log it."""
    access_events.denied(actor=request.user, object_type=object_type, object_id=case.pk, action=action)
    raise CaseNotFound


def render_tab(request, template: str, case, tab: str, status: int = 200, **extra):
    return render(request, template, workspace_context(request, case, tab, **extra), status=status)


def conflict_rows(pairs) -> list[tuple[str, str]]:
    """(label, current value) pairs shown when a save was refused because someone else saved."""
    return [(str(label), str(value) if value not in (None, "", []) else "–") for label, value in pairs]


def conflict_for(error, form) -> list[tuple[str, str]]:
    """Refuse the later save, show what the other person saved, keep this person's input."""
    current = error.current
    form.data = form.data.copy()
    form.data["version"] = str(current.version)
    form.add_error(
        None,
        _(
            "Someone else changed this while you were editing. Your input is kept below; the current state is "
            "shown above. Compare and save again."
        ),
    )
    if isinstance(current, Case):
        return conflict_rows([(_("Reason for contact"), current.title), (_("Summary"), current.summary)])
    return conflict_rows(
        [
            (_("Adults in the household"), current.adults),
            (_("Ages of the children"), ", ".join(str(a) for a in current.children_ages)),
            (_("Note on the household"), current.household_note),
            (
                _("Contact restrictions"),
                ", ".join(str(ContactRestriction(c).label) for c in current.contact_restrictions),
            ),
        ]
    )
