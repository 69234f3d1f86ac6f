"""Writes of case conferences. Every function runs in one transaction, asks the access layer
(access.conferences or the case's access) first and puts its errors at the fields."""

from .actions import action_add, action_review, actions_to_review
from .convene import (
    conference_cancel,
    conference_convene,
    conference_reschedule,
    participant_invite,
    participant_withdraw,
)
from .meeting import (
    attendance_record,
    confidentiality_confirm,
    decision_add,
    guests_present,
    minutes_autosave,
    minutes_finalise,
)

__all__ = [
    "action_add",
    "action_review",
    "actions_to_review",
    "attendance_record",
    "conference_cancel",
    "conference_convene",
    "conference_reschedule",
    "confidentiality_confirm",
    "decision_add",
    "guests_present",
    "minutes_autosave",
    "minutes_finalise",
    "participant_invite",
    "participant_withdraw",
]
