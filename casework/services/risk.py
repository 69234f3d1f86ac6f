"""The structured risk assessment (casework.risk): recorded by an agency that may add violence
records to the case (the sensitive scope), appended as a new row so the history stays; the
newest is the current one, which referrals and conferences show instead of asking again."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.rules import Action
from cases import timeline
from cases.access_sync import case_touch
from cases.models import Case
from cases.scopes import NoteCategory

from ..models import RiskAssessment
from ..risk import ITEMS, LEVEL_ORDER, Answer, RiskLevel, suggested_level

REASONING_MAX = 2000


def _errors(answers: dict, level: str, reasoning: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in ITEMS:
        if answers.get(item.code) not in Answer.values:
            errors[f"item_{item.code}"] = _("Please answer this question (or choose “not known”).")
    if level not in RiskLevel.values:
        errors["level"] = _("Please choose the risk level.")
    elif not errors and LEVEL_ORDER[level] < LEVEL_ORDER[suggested_level(answers)]:
        errors["level"] = _("The checklist suggests “%(level)s”. Your judgement can raise the level, not lower it.") % {
            "level": RiskLevel(suggested_level(answers)).label
        }
    elif not errors and level != suggested_level(answers) and not reasoning.strip():
        errors["reasoning"] = _("Please give the reasons for raising the level.")
    if len(reasoning) > REASONING_MAX:
        errors["reasoning"] = _("Please write at most %(n)d characters.") % {"n": REASONING_MAX}
    return errors


@transaction.atomic
def risk_assessment_add(
    *, actor, case, answers: dict, level: str, reasoning: str = "", seen_current_id: int | None = None
) -> RiskAssessment:
    """Record an assessment. `seen_current_id` is the current assessment the form showed (None:
    none): if another was recorded meanwhile, the save is refused so nobody overrides an
    assessment they have not seen."""
    access = access_for(actor, case)
    agency_id = access.require(Action.NOTE_ADD, NoteCategory.VIOLENCE).agency_id
    Case.objects.select_for_update().filter(pk=access.case.pk).first()
    current = RiskAssessment.objects.filter(case=access.case).values_list("pk", flat=True).first()
    if current != seen_current_id:
        raise ValidationError(
            {
                "__all__": _(
                    "Someone recorded a new risk assessment meanwhile. Your answers are kept; please check it first."
                )
            }
        )
    reasoning = (reasoning or "").strip()
    errors = _errors(answers, level, reasoning)
    if errors:
        raise ValidationError(errors)
    assessment = RiskAssessment.objects.create(
        case=access.case,
        agency_id=agency_id,
        answers={item.code: answers[item.code] for item in ITEMS},
        suggested_level=suggested_level(answers),
        level=level,
        reasoning=reasoning,
        assessed_by=actor,
    )
    case_touch(access.case.pk)
    timeline.record(
        case=access.case,
        kind="risk_assessment",
        visibility=NoteCategory.VIOLENCE,
        actor=actor,
        agency_id=agency_id,
        ref_id=assessment.pk,
        level=level,
    )
    access.report(action="create", object_type="risk_assessment", object_ids=[assessment.pk], agency_id=agency_id)
    return assessment
