"""Tasks and appointments of a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import refuse
from access.rules import Action
from agencies.selectors import case_workers_of

from .. import selectors, services
from ..forms import AppointmentForm, TaskForm
from ..models import Appointment, Task
from ._common import back_to, render_tab, saved


def _task_form(request, access, data=None):
    writable = access.writable_categories("task")
    if not writable:
        return None
    workers = case_workers_of(user=request.user)
    return TaskForm(data, categories=writable, workers=workers, initial={"assignee": request.user})


def _appointment_form(access, data=None):
    writable = access.writable_categories("appointment")
    return AppointmentForm(data, categories=writable) if writable else None


def _tasks_page(request, access, *, task_form=None, appointment_form=None, status=200):
    tasks = selectors.tasks_of(access=access)
    appointments = selectors.appointments_of(access=access)
    # A partner changes only what its own agency created (access.rules, own_records).
    for record, action in [(t, Action.TASK_CHANGE) for t in tasks] + [
        (a, Action.APPOINTMENT_CHANGE) for a in appointments
    ]:
        record.can_change = access.allows(action, record.category, record=record)
    return render_tab(
        request,
        "casework/tasks.html",
        access,
        "tasks",
        status=status,
        tasks=tasks,
        appointments=appointments,
        task_form=task_form or _task_form(request, access),
        appointment_form=appointment_form or _appointment_form(access),
    )


@login_required
def tasks(request, case_id: int):
    return _tasks_page(request, case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW))


@login_required
@require_POST
def task_add(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    form = _task_form(request, access, request.POST)
    if form is None:
        refuse(request.user, Action.TASK_ADD, access)
    if saved(request, form, services.task_add, case=access):
        messages.success(request, _("The task has been added."))
        return back_to("tasks", access)
    return _tasks_page(request, access, task_form=form, status=400)


@login_required
@require_POST
def task_toggle(request, case_id: int, task_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    task = selectors.record_get_for(access=access, model=Task, record_id=task_id)
    task = services.task_set_done(actor=request.user, case=access, task=task, done=request.POST.get("done") == "1")
    if request.htmx:
        return render(request, "casework/_task_row.html", {"case": access.case, "task": task, "can_work": True})
    return back_to("tasks", access)


@login_required
@require_POST
def appointment_add(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    form = _appointment_form(access, request.POST)
    if form is None:
        refuse(request.user, Action.APPOINTMENT_ADD, access)
    if saved(request, form, services.appointment_add, case=access):
        messages.success(request, _("The appointment has been added."))
        return back_to("tasks", access)
    return _tasks_page(request, access, appointment_form=form, status=400)


@login_required
@require_POST
def appointment_cancel(request, case_id: int, appointment_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    appointment = selectors.record_get_for(access=access, model=Appointment, record_id=appointment_id)
    services.appointment_cancel(actor=request.user, case=access, appointment=appointment)
    messages.success(request, _("The appointment has been cancelled."))
    return back_to("tasks", access)
