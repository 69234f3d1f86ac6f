"""The case plan: goals per life area and the steps agreed with the person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.rules import Action
from cases import timeline
from cases.access_sync import case_touch

from ..life_areas import AREA_BY_CODE
from ..models import Goal, GoalStep


@transaction.atomic
def goal_add(*, actor, case, area: str, title: str) -> Goal:
    spec = AREA_BY_CODE.get(area)
    if spec is None:
        raise ValidationError({"area": _("Please choose the life area.")})
    access = access_for(actor, case)
    case = access.case
    agency_id = access.require(Action.GOAL_ADD, spec.category).agency_id
    if not title.strip():
        raise ValidationError({"title": _("Please describe the goal.")})
    goal = Goal.objects.create(case=case, area=area, category=spec.category, title=title.strip(), created_by=actor)
    case_touch(case.pk)
    timeline.record(case=case, kind="goal", visibility=spec.category, actor=actor, agency_id=agency_id, ref_id=goal.pk)
    access.report(action="create", object_type="goal", object_ids=[goal.pk], agency_id=agency_id)
    return goal


@transaction.atomic
def goal_set_status(*, actor, case, goal: Goal, status: str) -> Goal:
    access = access_for(actor, case)
    case = access.case
    agency_id = access.require(Action.GOAL_CHANGE, goal.category).agency_id
    if status not in Goal.Status.values:
        raise ValidationError({"status": _("Please choose a status.")})
    goal = Goal.objects.select_for_update().get(pk=goal.pk, case=case)
    if goal.status != status:
        goal.status = status
        goal.save(update_fields=["status"])
        if status != Goal.Status.OPEN:
            timeline.record(
                case=case,
                kind=f"goal_{status}",
                visibility=goal.category,
                actor=actor,
                agency_id=agency_id,
                ref_id=goal.pk,
            )
    case_touch(case.pk)
    access.report(action="change", object_type="goal", object_ids=[goal.pk], agency_id=agency_id)
    return goal


@transaction.atomic
def goal_step_add(*, actor, case, goal: Goal, text: str, responsible: str, due_on=None) -> GoalStep:
    access = access_for(actor, case)
    access.require(Action.GOAL_CHANGE, goal.category)
    errors = {}
    if not text.strip():
        errors["text"] = _("Please describe the step.")
    if responsible not in GoalStep.Responsible.values:
        errors["responsible"] = _("Please choose who takes this step.")
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = _("The date lies in the past.")
    if errors:
        raise ValidationError(errors)
    goal = Goal.objects.get(pk=goal.pk, case=access.case)
    step = GoalStep.objects.create(goal=goal, text=text.strip(), responsible=responsible, due_on=due_on)
    case_touch(access.case.pk)
    access.report(action="create", object_type="goal", object_ids=[goal.pk])
    return step


@transaction.atomic
def goal_step_set_done(*, actor, case, step: GoalStep, done: bool) -> GoalStep:
    access = access_for(actor, case)
    access.require(Action.GOAL_CHANGE, step.goal.category)
    step = GoalStep.objects.select_for_update().get(pk=step.pk, goal__case=access.case)
    step.done_at = (step.done_at or timezone.now()) if done else None
    step.save(update_fields=["done_at"])
    case_touch(access.case.pk)
    access.report(action="change", object_type="goal", object_ids=[step.goal_id])
    return step
