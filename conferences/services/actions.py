"""Agreed actions: who (agency and member), what, by when. Each becomes a task in the case
workspace of the agency that owns the action — created here, not by casework's task_add, which
would attribute the task to the chair's agency. The task's done state is the action's "done";
the next conference reviews the open ones ("circumstances changed" or "not done")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.conferences import ConferenceSide
from access.decide import may
from access.rules import Action
from agencies.models import Membership
from cases.scopes import NoteCategory
from casework.models import Task
from casework.services.records import task_write

from ..models import Conference, ConferenceAction
from .convene import _locked, _touch
from .log import report_change

TEXT_MAX = 200


def _action_errors(conference: Conference, *, agency, assignee, text, due_on) -> dict[str, str]:
    errors: dict[str, str] = {}
    agencies = {conference.case.owner_agency_id} | set(
        conference.participants.filter(withdrawn_at=None).values_list("agency_id", flat=True)
    )
    if agency is None or agency.pk not in agencies:
        errors["agency"] = _("Please choose the owning agency or an invited agency.")
    elif assignee is None:
        errors["assignee"] = _("Please choose who is responsible.")
    elif not Membership.objects.filter(
        user=assignee, agency=agency, status=Membership.Status.ACTIVE, user__is_active=True
    ).exists():
        errors["assignee"] = _("The person responsible must be a member of that agency.")
    elif may(assignee, Action.NOTE_READ, conference.case, category=NoteCategory.GENERAL) is None:
        # The action becomes a task (a general record): its owner must be able to see it now —
        # not with the basic scope only, not while a grant awaits approval or after it ended.
        errors["agency"] = _("This agency cannot see tasks on the case now, so it cannot take on an action.")
    if not (text or "").strip():
        errors["text"] = _("Please describe the action.")
    elif len(text.strip()) > TEXT_MAX:
        errors["text"] = _("Please describe the action in at most %(n)d characters.") % {"n": TEXT_MAX}
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot lie in the past.")
    return errors


def _task_for(actor, conference: Conference, action: ConferenceAction) -> Task:
    """The action's task on the case, in the name of the action's agency (the convener records it
    for that agency, so casework's task_add — which files a task for the actor's own agency — is
    not the door; its writer is)."""
    return task_write(
        access=access_for(actor, conference.case),
        agency_id=action.agency_id,
        title=action.text,
        category=NoteCategory.GENERAL,
        assignee=action.assignee,
        due_on=action.due_on,
    )


@transaction.atomic
def action_add(*, actor, side: ConferenceSide, agency, assignee, text: str, due_on=None) -> ConferenceAction:
    conference = _locked(side, actor)
    if conference.status == Conference.Status.CANCELLED:
        raise ValidationError({"__all__": _("The conference has been cancelled.")})
    errors = _action_errors(conference, agency=agency, assignee=assignee, text=text, due_on=due_on)
    if errors:
        raise ValidationError(errors)
    action = ConferenceAction(conference=conference, agency=agency, assignee=assignee, text=text.strip(), due_on=due_on)
    action.task = _task_for(actor, conference, action)
    action.save()
    _touch(conference)
    report_change(actor, side, "create", "conference_action", action.pk)
    return action


def actions_to_review(conference: Conference) -> list[ConferenceAction]:
    """The previous conference's actions still open (their task not done), for review."""
    if conference.previous_id is None:
        return []
    actions = (
        ConferenceAction.objects.filter(conference_id=conference.previous_id, status=ConferenceAction.Status.OPEN)
        .select_related("agency", "assignee", "task")
        .order_by("pk")
    )
    return [a for a in actions if a.effective_status == ConferenceAction.Status.OPEN]


REVIEW_STATES = (ConferenceAction.Status.CIRCUMSTANCES_CHANGED, ConferenceAction.Status.NOT_DONE)


@transaction.atomic
def action_review(*, actor, side: ConferenceSide, action_id, status: str) -> ConferenceAction:
    """The follow-up conference reviews an open action of the previous one."""
    conference = _locked(side, actor)
    if status not in REVIEW_STATES:
        raise ValidationError({"status": _("Please choose why the action is still open.")})
    action = (
        ConferenceAction.objects.select_for_update()
        .filter(pk=action_id, conference_id=conference.previous_id, status=ConferenceAction.Status.OPEN)
        .first()
    )
    if action is None or conference.previous_id is None:
        raise ValidationError({"__all__": _("This action has been reviewed already.")})
    action.status, action.reviewed_in = status, conference
    action.save(update_fields=["status", "reviewed_in"])
    _touch(conference)
    report_change(actor, side, "change", "conference_action", action.pk)
    return action
