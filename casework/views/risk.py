"""The risk assessment of a case that concerns violence: the current one, its history and a new
assessment. Only for those who may read violence records on the case (others get a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from access.case_access import case_access
from access.rules import Action
from cases.scopes import NoteCategory
from cases.views._helpers import apply_errors

from .. import selectors, services
from ..risk import ITEMS, RiskLevel, suggested_level
from ..risk_forms import RiskAssessmentForm
from ._common import back_to, render_tab


def _page(request, access, form, status: int = 200, *, fresh: bool = False):
    assessments = selectors.risk_assessments_of(access=access)
    current = assessments[0] if assessments else None
    if fresh:  # a reassessment starts from the current answers: only what changed is asked
        form = RiskAssessmentForm(initial=RiskAssessmentForm.initial_from(current))
    suggestion = None
    if form is not None and form.is_bound:
        answers = {item.code: form.cleaned_data.get(f"item_{item.code}") for item in ITEMS}
        suggestion = RiskLevel(suggested_level(answers)).label
        # The page shows the current assessment as it is now: the next submit is based on it.
        form.data = form.data.copy()
        form.data["seen_current"] = str(current.pk) if current else ""
    return render_tab(
        request,
        "casework/risk.html",
        access,
        "risk",
        status=status,
        current=current,
        history=assessments[1:],
        form=form,
        suggestion_label=suggestion,
        concerns_violence=current is None and selectors.concerns_violence(access=access),
    )


@login_required
def risk(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.NOTE_READ, category=NoteCategory.VIOLENCE)
    if not access.allows(Action.NOTE_ADD, NoteCategory.VIOLENCE):
        if request.method == "POST":
            access.require(Action.NOTE_ADD, NoteCategory.VIOLENCE)
        return _page(request, access, None)
    if request.method != "POST":
        return _page(request, access, None, fresh=True)
    form = RiskAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.risk_assessment_add(actor=request.user, case=access, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The risk assessment has been recorded."))
            return back_to("risk", access)
    return _page(request, access, form, status=400)
