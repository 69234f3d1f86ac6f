"""Helpers shared by the workspace views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.case_access import CaseAccess
from access.rules import Action
from cases.models import Case
from cases.views._helpers import apply_errors

from ..life_areas import ContactRestriction


def workspace_context(access: CaseAccess, tab: str, **extra) -> dict:
    """What every workspace page shows around its tab: header, banner, tabs, the user's rights."""
    context = {
        "case": access.case,
        "access": access,
        "tab": tab,
        "readable_categories": access.readable_categories,
        "explaining_grants": access.explaining_grants,
        "scopes": access.scope_labels,
        "can_conduct_intake": access.allows(Action.INTAKE_CONDUCT),
        "can_manage_grants": access.allows(Action.GRANTS_MANAGE),
        "shows_case_text": access.allows(Action.CASE_TEXT_READ),
        "shows_payments": access.allows(Action.PAYMENT_VIEW),
        "shows_referrals": access.allows(Action.REFERRAL_VIEW),
        "shows_conferences": access.allows(Action.CONFERENCE_LIST),
    }
    context.update(extra)
    return context


def render_tab(request, template: str, access: CaseAccess, tab: str, status: int = 200, **extra):
    return render(request, template, workspace_context(access, tab, **extra), status=status)


def saved(request, form, service, **arguments) -> bool:
    """Validate the form and call the service with its data; the service's errors land at the
    form's fields and nothing is saved. True when it was saved."""
    if not form.is_valid():
        return False
    try:
        service(actor=request.user, **arguments, **form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


def back_to(name: str, access: CaseAccess):
    return redirect(f"casework:{name}", access.pk)


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
