"""Writes of network meetings. Every function runs in one transaction, asks the access layer
(access.networks) first and puts its errors at the fields."""

from .actions import action_add, action_set_done
from .meetings import NamesFound, meeting_cancel, meeting_plan, minutes_autosave, minutes_finalise
from .networks import network_change, network_create

__all__ = [
    "NamesFound",
    "action_add",
    "action_set_done",
    "meeting_cancel",
    "meeting_plan",
    "minutes_autosave",
    "minutes_finalise",
    "network_change",
    "network_create",
]
