"""The case workspace: overview ("Auf einen Blick"), timeline with notes, tasks and appointments,
documents, case plan, situation and handover. Reads through selectors, writes through services;
partial updates with htmx where they save a page load."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.selectors import case_workers_of
from cases import permissions as case_permissions
from cases import selectors as case_selectors
from cases import services as case_services
from cases.forms import NoteForm
from cases.models import ContactChannel
from cases.scopes import Scope
from cases.selectors import CaseNotFound
from cases.views._helpers import apply_errors

from .. import permissions, selectors, services
from ..forms import (
    AppointmentForm,
    AreaForm,
    DocumentForm,
    GoalForm,
    GoalStepForm,
    HandoverForm,
    HouseholdStepForm,
    RestrictionsForm,
    TaskForm,
)
from ..life_areas import AREAS, ContactRestriction
from ..models import Appointment, Goal, GoalStep, Situation, Task
from ._common import conflict_for, refuse, render_tab


def _case(request, case_id, scope=Scope.BASIC, action="view", allow=None):
    return case_selectors.case_get_for(user=request.user, case_id=case_id, scope=scope, action=action, allow=allow)


def _back(request, case, name: str):
    return redirect(f"casework:{name}", case.pk) if name != "detail" else redirect("cases:detail", case.pk)


@login_required
def overview(request, case_id: int):
    case = _case(request, case_id)
    user = request.user
    situation, areas = selectors.situation_of(user=user, case=case)
    readable = case_selectors.note_categories_for(user=user, case=case)
    open_tasks = selectors.tasks_of(user=user, case=case, open_only=True) if readable else []
    upcoming = selectors.appointments_of(user=user, case=case, upcoming_only=True) if readable else []
    manages_sharing = case_permissions.can_manage_grants(user, case) or case_permissions.can_manage_consent(user, case)
    grants, consents = selectors.active_sharing_of(user=user, case=case) if manages_sharing else ([], [])
    context = {
        "situation": situation,
        "restrictions": [ContactRestriction(c).label for c in (situation.contact_restrictions if situation else [])],
        "areas": areas,
        "intake": selectors.intake_of(user=user, case=case),
        "manages_sharing": manages_sharing,
        "open_tasks": open_tasks[:5],
        "open_task_count": len(open_tasks),
        "next_appointment": upcoming[0] if upcoming else None,
        "grants": grants,
        "consents": consents,
        "can_change": case_permissions.can_change_case(user, case),
        "can_close": case_permissions.can_close_case(user, case),
        "can_manage_grants": case_permissions.can_manage_grants(user, case),
        "can_manage_consent": case_permissions.can_manage_consent(user, case),
        "contact_channels": ContactChannel.choices,
    }
    return render_tab(request, "casework/overview.html", case, "overview", **context)


# --- timeline and notes -----------------------------------------------------------------------


def _note_form(request, case, data=None):
    readable = case_selectors.note_categories_for(user=request.user, case=case)
    writable = permissions.writable_categories(request.user, case, "note", readable)
    return NoteForm(data, categories=writable) if writable else None


@login_required
def timeline(request, case_id: int):
    case = _case(request, case_id)
    events, cursor = selectors.timeline_page(user=request.user, case=case, before=request.GET.get("vor"))
    if request.htmx and request.GET.get("vor"):
        return render(request, "casework/_timeline_entries.html", {"case": case, "events": events, "cursor": cursor})
    return render_tab(
        request,
        "casework/timeline.html",
        case,
        "timeline",
        events=events,
        cursor=cursor,
        note_form=_note_form(request, case),
    )


@login_required
@require_POST
def note_add(request, case_id: int):
    case = _case(request, case_id, scope=Scope.BASIC, action="create")
    form = _note_form(request, case, request.POST)
    if form is None:
        refuse(request, case)
    if form.is_valid():
        try:
            case_services.note_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            refuse(request, case)
        else:
            if request.htmx:
                events, cursor = selectors.timeline_page(user=request.user, case=case)
                return render(
                    request,
                    "casework/_timeline_with_form.html",
                    {"case": case, "events": events, "cursor": cursor, "note_form": _note_form(request, case)},
                )
            messages.success(request, _("The note has been saved."))
            return redirect("casework:timeline", case.pk)
    events, cursor = selectors.timeline_page(user=request.user, case=case)
    if request.htmx:
        context = {"case": case, "events": events, "cursor": cursor, "note_form": form}
        return render(request, "casework/_timeline_with_form.html", context, status=422)
    return render_tab(
        request, "casework/timeline.html", case, "timeline", status=400, events=events, cursor=cursor, note_form=form
    )


# --- tasks and appointments -------------------------------------------------------------------


def _task_form(request, case, data=None):
    readable = case_selectors.note_categories_for(user=request.user, case=case)
    writable = permissions.writable_categories(request.user, case, "task", readable)
    if not writable:
        return None
    return TaskForm(
        data, categories=writable, workers=case_workers_of(user=request.user), initial={"assignee": request.user}
    )


def _appointment_form(request, case, data=None):
    readable = case_selectors.note_categories_for(user=request.user, case=case)
    writable = permissions.writable_categories(request.user, case, "appointment", readable)
    return AppointmentForm(data, categories=writable) if writable else None


def _tasks_page(request, case, *, task_form=None, appointment_form=None, status=200):
    if not case_selectors.note_categories_for(user=request.user, case=case):
        raise CaseNotFound
    return render_tab(
        request,
        "casework/tasks.html",
        case,
        "tasks",
        status=status,
        tasks=selectors.tasks_of(user=request.user, case=case),
        appointments=selectors.appointments_of(user=request.user, case=case),
        task_form=task_form or _task_form(request, case),
        appointment_form=appointment_form or _appointment_form(request, case),
    )


@login_required
def tasks(request, case_id: int):
    return _tasks_page(request, _case(request, case_id))


@login_required
@require_POST
def task_add(request, case_id: int):
    case = _case(request, case_id, action="create")
    form = _task_form(request, case, request.POST)
    if form is None:
        refuse(request, case)
    if form.is_valid():
        try:
            services.task_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task has been added."))
            return redirect("casework:tasks", case.pk)
    return _tasks_page(request, case, task_form=form, status=400)


@login_required
@require_POST
def task_toggle(request, case_id: int, task_id: int):
    case = _case(request, case_id, action="change")
    task = selectors.record_get_for(user=request.user, case=case, model=Task, record_id=task_id)
    try:
        task = services.task_set_done(actor=request.user, case=case, task=task, done=request.POST.get("done") == "1")
    except PermissionDenied:
        refuse(request, case)
    if request.htmx:
        return render(request, "casework/_task_row.html", {"case": case, "task": task, "can_work": True})
    return redirect("casework:tasks", case.pk)


@login_required
@require_POST
def appointment_add(request, case_id: int):
    case = _case(request, case_id, action="create")
    form = _appointment_form(request, case, request.POST)
    if form is None:
        refuse(request, case)
    if form.is_valid():
        try:
            services.appointment_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The appointment has been added."))
            return redirect("casework:tasks", case.pk)
    return _tasks_page(request, case, appointment_form=form, status=400)


@login_required
@require_POST
def appointment_cancel(request, case_id: int, appointment_id: int):
    case = _case(request, case_id, action="change")
    appointment = selectors.record_get_for(user=request.user, case=case, model=Appointment, record_id=appointment_id)
    try:
        services.appointment_cancel(actor=request.user, case=case, appointment=appointment)
    except PermissionDenied:
        refuse(request, case)
    messages.success(request, _("The appointment has been cancelled."))
    return redirect("casework:tasks", case.pk)


# --- documents --------------------------------------------------------------------------------


def _document_form(request, case, data=None, files=None):
    readable = case_selectors.note_categories_for(user=request.user, case=case)
    writable = permissions.writable_categories(request.user, case, "document", readable)
    return DocumentForm(data, files, categories=writable, max_mb=settings.DOCUMENT_MAX_MB) if writable else None


@login_required
def documents(request, case_id: int):
    case = _case(request, case_id)
    form = None
    if request.method == "POST":
        form = _document_form(request, case, request.POST, request.FILES)
        if form is None:
            refuse(request, case)
        if form.is_valid():
            try:
                data = form.cleaned_data
                services.document_add(
                    actor=request.user, case=case, title=data["title"], category=data["category"], upload=data["file"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The document has been uploaded."))
                return redirect("casework:documents", case.pk)
    if not case_selectors.note_categories_for(user=request.user, case=case):
        raise CaseNotFound
    return render_tab(
        request,
        "casework/documents.html",
        case,
        "documents",
        status=400 if form is not None else 200,
        documents=selectors.documents_of(user=request.user, case=case),
        document_form=form or _document_form(request, case),
    )


@login_required
def document_download(request, case_id: int, document_id: int):
    _case_obj, document = selectors.document_get_for(user=request.user, case_id=case_id, document_id=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=document.content_type, as_attachment=True, filename=document.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- case plan --------------------------------------------------------------------------------


def _goal_form(request, case, data=None):
    readable = case_selectors.note_categories_for(user=request.user, case=case)
    writable = permissions.writable_categories(request.user, case, "goal", readable)
    return GoalForm(data, categories=writable) if writable else None


def _plan_page(request, case, *, goal_form=None, step_forms=None, status=200):
    if not case_selectors.note_categories_for(user=request.user, case=case):
        raise CaseNotFound
    goals = selectors.goals_of(user=request.user, case=case)
    can_plan = _goal_form(request, case) is not None
    for goal in goals:
        goal.step_form = (step_forms or {}).get(goal.pk) or (
            GoalStepForm(prefix=f"goal{goal.pk}") if can_plan else None
        )
    return render_tab(
        request,
        "casework/plan.html",
        case,
        "plan",
        status=status,
        goals=goals,
        goal_form=goal_form or _goal_form(request, case),
        goal_statuses=Goal.Status.choices,
    )


@login_required
def plan(request, case_id: int):
    case = _case(request, case_id)
    if request.method == "POST":
        form = _goal_form(request, case, request.POST)
        if form is None:
            refuse(request, case)
        if form.is_valid():
            try:
                services.goal_add(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The goal has been added to the case plan."))
                return redirect("casework:plan", case.pk)
        return _plan_page(request, case, goal_form=form, status=400)
    return _plan_page(request, case)


@login_required
@require_POST
def goal_change(request, case_id: int, goal_id: int):
    case = _case(request, case_id, action="change")
    goal = selectors.goal_get_for(user=request.user, case=case, goal_id=goal_id)
    try:
        if "status" in request.POST:
            services.goal_set_status(actor=request.user, case=case, goal=goal, status=request.POST["status"])
        else:
            form = GoalStepForm(request.POST, prefix=f"goal{goal.pk}")
            if not form.is_valid():
                return _plan_page(request, case, step_forms={goal.pk: form}, status=400)
            try:
                services.goal_step_add(actor=request.user, case=case, goal=goal, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
                return _plan_page(request, case, step_forms={goal.pk: form}, status=400)
    except PermissionDenied:
        refuse(request, case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("casework:plan", case.pk)


@login_required
@require_POST
def goal_step_toggle(request, case_id: int, step_id: int):
    case = _case(request, case_id, action="change")
    step = selectors.record_get_for(user=request.user, case=case, model=GoalStep, record_id=step_id)
    try:
        step = services.goal_step_set_done(
            actor=request.user, case=case, step=step, done=request.POST.get("done") == "1"
        )
    except PermissionDenied:
        refuse(request, case)
    if request.htmx:
        return render(request, "casework/_goal_step.html", {"case": case, "step": step, "can_plan": True})
    return redirect("casework:plan", case.pk)


# --- situation and handover (owning agency) ---------------------------------------------------


def _area_initial(status) -> dict:
    if status is None:
        return {"need": "unclear"}
    return {"need": status.need, "situation": status.situation, "flag": status.flag, "note": status.note}


@login_required
def situation_edit(request, case_id: int):
    case = _case(request, case_id, action="change", allow=permissions.can_conduct_intake)
    situation, rows = selectors.situation_of(user=request.user, case=case)
    situation = situation or Situation(case=case)  # a case opened before the first conversation
    statuses = {row.spec.area: row.status for row in rows}
    data = request.POST if request.method == "POST" else None
    household = HouseholdStepForm(
        data,
        initial={
            "version": situation.version,
            "adults": situation.adults,
            "children_ages": ", ".join(str(a) for a in situation.children_ages),
            "household_note": situation.household_note,
        },
    )
    restrictions = RestrictionsForm(
        data, initial={"version": situation.version, "contact_restrictions": situation.contact_restrictions}
    )
    areas = [
        AreaForm(data, spec=spec, initial=_area_initial(statuses.get(spec.area)))
        for spec in AREAS
        if spec.area in statuses
    ]
    conflict = None
    if request.method == "POST" and all(f.is_valid() for f in [household, restrictions, *areas]):
        h = household.cleaned_data
        try:
            services.situation_update(
                actor=request.user,
                case=case,
                version=h["version"],
                adults=h["adults"],
                children_ages=h["children_ages"],
                household_note=h["household_note"],
                contact_restrictions=restrictions.cleaned_data["contact_restrictions"],
                areas={f.spec.area: f.cleaned_data for f in areas},
            )
        except services.SituationConflict as error:
            conflict = conflict_for(error, household)
        except ValidationError as error:
            apply_errors(household, error)
        else:
            messages.success(request, _("The situation has been saved."))
            return redirect("cases:detail", case.pk)
    return render_tab(
        request,
        "casework/situation_edit.html",
        case,
        "overview",
        status=200 if request.method == "GET" else (409 if conflict else 400),
        household=household,
        restrictions=restrictions,
        area_forms=areas,
        conflict=conflict,
    )


@login_required
def handover(request, case_id: int):
    case = _case(request, case_id, action="change", allow=permissions.can_hand_over)
    colleagues = services.handover_colleagues(actor=request.user, case=case)
    form = HandoverForm(request.POST or None, colleagues=colleagues, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_hand_over(actor=request.user, case=case, **form.cleaned_data)
        except case_services.ConcurrentEditError:
            form.add_error(None, _("Someone else changed this case in the meantime. Please check it and try again."))
            form.data = form.data.copy()
            form.data["version"] = str(case_selectors.case_get_for(user=request.user, case_id=case.pk).version)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case has been handed over."))
            return redirect("cases:detail", case.pk)
    return render_tab(request, "casework/handover.html", case, "overview", form=form)
