"""Writes of the case workspace: the first conversation, the situation, tasks, appointments,
documents, the case plan and handover. One function per use case, one transaction each; each
change is reported to the access log and written to the case's timeline. A `case` argument may
be a CaseAccess of the actor or a plain case: every service resolves and checks access itself."""

from .consent import intake_consent_give
from .documents import document_add
from .handover import case_hand_over, handover_colleagues
from .intake import (
    intake_begin,
    intake_complete,
    intake_draft_save,
    intake_reason_save,
    intake_start,
)
from .plan import goal_add, goal_set_status, goal_step_add, goal_step_set_done
from .records import appointment_add, appointment_cancel, task_add, task_set_done
from .risk import risk_assessment_add
from .situation import MAX_ADULTS, MAX_CHILD_AGE, SituationConflict, situation_update

__all__ = [
    "MAX_ADULTS",
    "MAX_CHILD_AGE",
    "SituationConflict",
    "appointment_add",
    "appointment_cancel",
    "case_hand_over",
    "document_add",
    "goal_add",
    "goal_set_status",
    "goal_step_add",
    "goal_step_set_done",
    "handover_colleagues",
    "intake_begin",
    "intake_complete",
    "intake_consent_give",
    "intake_draft_save",
    "intake_reason_save",
    "intake_start",
    "risk_assessment_add",
    "situation_update",
    "task_add",
    "task_set_done",
]
