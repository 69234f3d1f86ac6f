"""The case plan: goals per life area and the steps agreed with the person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import refuse
from access.rules import Action

from .. import selectors, services
from ..forms import GoalForm, GoalStepForm
from ..models import Goal, GoalStep
from ._common import back_to, render_tab, saved


def _goal_form(access, data=None):
    writable = access.writable_categories("goal")
    return GoalForm(data, categories=writable) if writable else None


def _plan_page(request, access, *, goal_form=None, step_forms=None, status=200):
    goals = selectors.goals_of(access=access)
    for goal in goals:
        can_plan = access.allows(Action.GOAL_CHANGE, goal.category)
        goal.step_form = (step_forms or {}).get(goal.pk) or (
            GoalStepForm(prefix=f"goal{goal.pk}") if can_plan else None
        )
    return render_tab(
        request,
        "casework/plan.html",
        access,
        "plan",
        status=status,
        goals=goals,
        goal_form=goal_form or _goal_form(access),
        goal_statuses=Goal.Status.choices,
    )


@login_required
def plan(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    if request.method != "POST":
        return _plan_page(request, access)
    form = _goal_form(access, request.POST)
    if form is None:
        refuse(request.user, Action.GOAL_ADD, access)
    if saved(request, form, services.goal_add, case=access):
        messages.success(request, _("The goal has been added to the case plan."))
        return back_to("plan", access)
    return _plan_page(request, access, goal_form=form, status=400)


@login_required
@require_POST
def goal_change(request, case_id: int, goal_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    goal = selectors.record_get_for(access=access, model=Goal, record_id=goal_id)
    if "status" in request.POST:
        try:
            services.goal_set_status(actor=request.user, case=access, goal=goal, status=request.POST["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return back_to("plan", access)
    form = GoalStepForm(request.POST, prefix=f"goal{goal.pk}")
    if saved(request, form, services.goal_step_add, case=access, goal=goal):
        return back_to("plan", access)
    return _plan_page(request, access, step_forms={goal.pk: form}, status=400)


@login_required
@require_POST
def goal_step_toggle(request, case_id: int, step_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    step = selectors.record_get_for(access=access, model=GoalStep, record_id=step_id)
    step = services.goal_step_set_done(actor=request.user, case=access, step=step, done=request.POST.get("done") == "1")
    if request.htmx:
        return render(request, "casework/_goal_step.html", {"case": access.case, "step": step, "can_plan": True})
    return back_to("plan", access)
