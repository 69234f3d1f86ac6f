"""Tasks and appointments of a case."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.case_access import access_for
from access.rules import NOTE_CATEGORY_ROLE_PERMISSION, Action
from agencies.selectors import members_with_perm_in
from cases import timeline
from cases.access_sync import case_touch
from notifications.services import notify

from ..models import Appointment, Task
from ._common import check_category


def _task_errors(*, title, assignee, actor, agency_id, category, due_on) -> dict:
    errors = {}
    if not title.strip():
        errors["title"] = _("Please describe the task.")
    if assignee is None:
        errors["assignee"] = _("Please choose who is responsible.")
    elif (
        assignee.pk != actor.pk
        and not members_with_perm_in(agency_id=agency_id, perm=NOTE_CATEGORY_ROLE_PERMISSION[category])
        .filter(pk=assignee.pk)
        .exists()
    ):
        errors["assignee"] = _("This colleague cannot take on a task of this category in this case.")
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = _("The due date lies in the past.")
    return errors


@transaction.atomic
def task_add(*, actor, case, title: str, category: str, assignee, due_on=None) -> Task:
    check_category(category)
    access = access_for(actor, case)
    case = access.case
    agency_id = access.require(Action.TASK_ADD, category).agency_id
    errors = _task_errors(
        title=title, assignee=assignee, actor=actor, agency_id=agency_id, category=category, due_on=due_on
    )
    if errors:
        raise ValidationError(errors)
    return task_write(
        access=access, agency_id=agency_id, title=title, category=category, assignee=assignee, due_on=due_on
    )


def task_write(*, access, agency_id: int, title: str, category: str, assignee, due_on=None) -> Task:
    """Write a task already allowed and checked, for `agency_id`: the row, the timeline, the
    assignee's notice and the access-log entry (in the name of the agency the actor acted for).
    task_add uses it for the actor's own agency; a case conference for the agency that took on an
    agreed action."""
    actor, case = access.user, access.case
    task = Task.objects.create(
        case=case,
        category=category,
        title=title.strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=actor,
        agency_id=agency_id,
    )
    case_touch(case.pk)
    timeline.record(case=case, kind="task", visibility=category, actor=actor, agency_id=agency_id, ref_id=task.pk)
    if assignee.pk != actor.pk:
        notify(
            recipients=[assignee],
            kind="casework.task_assigned",
            subject=gettext_lazy("A task in case %(reference)s was assigned to you"),
            params={"reference": case.reference},
            reference=case.reference,
            link=reverse("casework:tasks", args=[case.pk]),
        )
    access.report(action="create", object_type="task", object_ids=[task.pk], agency_id=access.acting_agency_id)
    return task
    return task


@transaction.atomic
def task_set_done(*, actor, case, task: Task, done: bool) -> Task:
    access = access_for(actor, case)
    case = access.case
    task = Task.objects.select_for_update().get(pk=task.pk, case=case)
    access.require(Action.TASK_CHANGE, task.category, record=task)
    if done and task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        timeline.record(
            case=case, kind="task_done", visibility=task.category, actor=actor, agency_id=task.agency_id, ref_id=task.pk
        )
    elif not done:
        task.done_at, task.done_by = None, None
    task.save(update_fields=["done_at", "done_by"])
    case_touch(case.pk)
    access.report(action="change", object_type="task", object_ids=[task.pk])
    return task


def _appointment_errors(*, starts_at, place) -> dict:
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Please enter date and time.")
    elif starts_at < timezone.now() - timedelta(minutes=5):
        errors["starts_at"] = _(
            "The appointment lies in the past. Record a conversation that took place as a note of the contact."
        )
    elif starts_at > timezone.now() + timedelta(days=730):
        errors["starts_at"] = _("Please check the date: it is more than two years ahead.")
    if not place.strip():
        errors["place"] = _("Please enter the place.")
    return errors


@transaction.atomic
def appointment_add(
    *, actor, case, starts_at, place: str, category: str, with_whom: str = "", note: str = ""
) -> Appointment:
    check_category(category)
    access = access_for(actor, case)
    case = access.case
    agency_id = access.require(Action.APPOINTMENT_ADD, category).agency_id
    if errors := _appointment_errors(starts_at=starts_at, place=place):
        raise ValidationError(errors)
    appointment = Appointment.objects.create(
        case=case,
        category=category,
        starts_at=starts_at,
        place=place.strip(),
        with_whom=with_whom.strip(),
        note=note.strip(),
        created_by=actor,
        agency_id=agency_id,
    )
    case_touch(case.pk)
    timeline.record(
        case=case, kind="appointment", visibility=category, actor=actor, agency_id=agency_id, ref_id=appointment.pk
    )
    access.report(action="create", object_type="appointment", object_ids=[appointment.pk], agency_id=agency_id)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, case, appointment: Appointment) -> Appointment:
    access = access_for(actor, case)
    case = access.case
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk, case=case)
    access.require(Action.APPOINTMENT_CHANGE, appointment.category, record=appointment)
    if appointment.cancelled_at is None:
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["cancelled_at"])
        timeline.record(
            case=case,
            kind="appointment_cancelled",
            visibility=appointment.category,
            actor=actor,
            agency_id=appointment.agency_id,
            ref_id=appointment.pk,
        )
    access.report(action="change", object_type="appointment", object_ids=[appointment.pk])
    return appointment
