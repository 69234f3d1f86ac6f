"""Agreed actions of a network meeting: which taking-part agency, which of its members, what,
by when. Done (or undone) by the member responsible or the convener (access.networks); the
next meeting reviews the ones still open."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.networks import NetworkSide, require_action_done

from ..models import Meeting, MeetingAction
from ..selectors import action_agency_ids, network_members
from .meetings import _locked, _touch, names_refused

TEXT_MAX = 200


def _action_errors(meeting: Meeting, *, agency, assignee, text, due_on) -> dict[str, str]:
    errors: dict[str, str] = {}
    if agency is None or agency.pk not in action_agency_ids(meeting.network):
        errors["agency"] = _("Please choose an agency that takes part in the network.")
    elif assignee is None:
        errors["assignee"] = _("Please choose who is responsible.")
    elif not network_members(meeting.network, agency_ids=[agency.pk]).filter(pk=assignee.pk).exists():
        errors["assignee"] = _("The person responsible must be an active member of that agency who takes part.")
    if not (text or "").strip():
        errors["text"] = _("Please describe the action.")
    elif len(text.strip()) > TEXT_MAX:
        errors["text"] = _("Please describe the action in at most %(n)d characters.") % {"n": TEXT_MAX}
    if due_on is None:
        errors["due_on"] = _("Please enter by when the action is due.")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot lie in the past.")
    return errors


@transaction.atomic
def action_add(*, actor, side: NetworkSide, meeting_id, agency, assignee, text: str, due_on) -> MeetingAction:
    meeting = _locked(side, actor, meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"__all__": _("The meeting has been cancelled.")})
    errors = _action_errors(meeting, agency=agency, assignee=assignee, text=text, due_on=due_on)
    if "text" not in errors and (refused := names_refused(text, author=actor)):
        errors["text"] = refused
    if errors:
        raise ValidationError(errors)
    action = MeetingAction.objects.create(
        meeting=meeting, agency=agency, assignee=assignee, text=text.strip(), due_on=due_on
    )
    _touch(meeting)
    return action


@transaction.atomic
def action_set_done(*, actor, side: NetworkSide, action_id, done: bool) -> MeetingAction:
    """Mark an action done or open again: the member responsible or the convener."""
    action = MeetingAction.objects.select_for_update().filter(pk=action_id, meeting__network_id=side.network.pk).first()
    require_action_done(side, actor, action)
    if done and action.done_at is None:
        action.done_at, action.done_by = timezone.now(), actor
    elif not done and action.done_at is not None:
        action.done_at, action.done_by = None, None
    action.save(update_fields=["done_at", "done_by"])
    return action
