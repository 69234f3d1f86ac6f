"""The case overview ("Auf einen Blick")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from access.case_access import case_access
from access.decide import may
from access.rules import Action
from cases.models import ContactChannel

from .. import selectors
from ..life_areas import ContactRestriction
from ._common import render_tab


@login_required
def overview(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id)
    situation, areas = selectors.situation_of(access=access)
    has_records = bool(access.readable_categories)
    open_tasks = selectors.tasks_of(access=access, open_only=True) if has_records else []
    upcoming = selectors.appointments_of(access=access, upcoming_only=True) if has_records else []
    grants, consents = selectors.active_sharing_of(access=access)
    context = {
        "situation": situation,
        "restrictions": [ContactRestriction(c).label for c in (situation.contact_restrictions if situation else [])],
        "areas": areas,
        "intake": selectors.intake_of(access=access),
        "shows_intake_text": access.allows(Action.INTAKE_READ),
        "manages_sharing": access.allows(Action.SHARING_VIEW),
        "open_tasks": open_tasks[:5],
        "open_task_count": len(open_tasks),
        "next_appointment": upcoming[0] if upcoming else None,
        "grants": grants,
        "consents": consents,
        "can_change": access.allows(Action.CASE_CHANGE),
        "can_close": access.allows(Action.CASE_CLOSE),
        "can_manage_grants": access.allows(Action.GRANTS_MANAGE),
        "can_manage_consent": may(request.user, Action.CONSENT_MANAGE, access.case.person) is not None,
        "contact_channels": ContactChannel.choices,
    }
    return render_tab(request, "casework/overview.html", access, "overview", **context)
