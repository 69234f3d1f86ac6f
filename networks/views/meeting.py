"""A network meeting's page (/netzwerktreffen/<id>/): agenda, minutes (draft kept as the
convener types, the anonymity check warning at the field), agreed actions, the review of open
actions of earlier meetings, the invitation as .ics; its steps and the action toggle."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import events
from access.errors import NotFound
from access.networks import may_mark_done, require_manage
from cases.views._helpers import apply_errors

from .. import calendar, selectors, services
from ..forms import ActionForm, DoneForm, MinutesForm, VersionForm
from ..names import names_in
from ..services.meetings import names_warning


def _forms(side, meeting, bound: dict) -> dict:
    if not side.manages:
        return {}
    forms = {
        "minutes": MinutesForm(
            initial={"minutes": meeting.minutes_draft or meeting.minutes, "version": meeting.version},
            prefix="minutes",
        ),
        "action": ActionForm(
            prefix="action",
            agencies=selectors.action_agencies(side.network),
            members=selectors.network_members(side.network),
        ),
        "cancel": VersionForm(initial={"version": meeting.version}, prefix="cancel"),
    }
    forms.update(bound)
    return forms


def _markable(side, user, actions):
    for action in actions:
        action.markable = may_mark_done(side, user, action)
    return actions


def _page(request, side, meeting, *, bound=None, names=None, status: int = 200):
    if names is None and side.manages and meeting.minutes_draft:
        names = names_in(meeting.minutes_draft, author=request.user)
    context = {
        "meeting": meeting,
        "network": side.network,
        "side": side,
        "agenda": list(meeting.agenda.all()),
        "actions": _markable(side, request.user, selectors.actions_of(meeting)),
        "to_review": _markable(side, request.user, selectors.open_actions_before(meeting)),
        "forms": _forms(side, meeting, bound or {}),
        "names": names or [],
        "names_warning": names_warning(names) if names else "",
        "can_finalise": side.manages and meeting.starts_at <= timezone.now(),
    }
    return render(request, "networks/meeting.html", context, status=status)


@login_required
def detail(request, meeting_id: int):
    side, meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return _page(request, side, meeting)


def _run_minutes(request, side, meeting):
    form = MinutesForm(request.POST, prefix="minutes")
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    try:
        services.minutes_finalise(
            actor=request.user,
            side=side,
            meeting_id=meeting.pk,
            text=d["minutes"],
            version=d["version"],
            keep_names=d["keep_names"],
        )
    except services.NamesFound as error:
        apply_errors(form, error)
        return form, error.names
    except ValidationError as error:
        apply_errors(form, error)
        return form, None
    return None, _("The minutes have been finalised.")


def _run_action(request, side, meeting):
    form = ActionForm(
        request.POST,
        prefix="action",
        agencies=selectors.action_agencies(side.network),
        members=selectors.network_members(side.network),
    )
    if not form.is_valid():
        return form, None
    try:
        services.action_add(actor=request.user, side=side, meeting_id=meeting.pk, **form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return form, None
    return None, _("The action has been recorded.")


def _run_cancel(request, side, meeting):
    form = VersionForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return form, None
    try:
        services.meeting_cancel(actor=request.user, side=side, meeting_id=meeting.pk, **form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return form, None
    return None, _("The meeting has been cancelled; the agencies have been told.")


STEPS = {
    "protokoll": ("minutes", _run_minutes),
    "massnahme": ("action", _run_action),
    "absagen": ("cancel", _run_cancel),
}


@require_POST
@login_required
def act(request, meeting_id: int, meeting_step: str):
    side, meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    if meeting_step not in STEPS:
        events.denied(actor=request.user, object_type="network_meeting", object_id=meeting.pk, action="change")
        raise NotFound("network_meeting", meeting.pk, "change")
    require_manage(side, request.user, "network_meeting", meeting.pk)
    key, run = STEPS[meeting_step]
    form, result = run(request, side, meeting)
    if form is None:
        messages.success(request, result)
        return redirect("networks:meeting", meeting.pk)
    side, meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    names = result if key == "minutes" else None
    return _page(request, side, meeting, bound={key: form}, names=names, status=400)


@require_POST
@login_required
def autosave(request, meeting_id: int):
    """htmx: keep the draft (a second after typing stops); the new version goes back into the
    form, and the anonymity warning is shown (or cleared) at the minutes field."""
    side, meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    require_manage(side, request.user, "network_meeting", meeting.pk)
    form = MinutesForm(request.POST, prefix="minutes")
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        meeting, names = services.minutes_autosave(
            actor=request.user,
            side=side,
            meeting_id=meeting.pk,
            text=form.cleaned_data["minutes"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        body = render_to_string("networks/_draft_status.html", {"error": " ".join(error.messages)})
        return HttpResponse(body, status=409)
    body = render_to_string(
        "networks/_draft_status.html",
        {
            "meeting": meeting,
            "names_warning": names_warning(names) if names else "",
            "can_finalise": meeting.starts_at <= timezone.now(),
        },
    )
    return HttpResponse(body)


@login_required
def invitation_ics(request, meeting_id: int):
    side, meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    response = HttpResponse(calendar.meeting_ics(meeting, page_url=url), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="netzwerktreffen-{meeting.pk}.ics"'
    return response


@require_POST
@login_required
def action_done(request, network_action_id: int):
    """The member responsible or the convener marks an action done, or open again."""
    side, action = selectors.action_get(user=request.user, action_id=network_action_id)
    form = DoneForm(request.POST)
    if not form.is_valid():
        return redirect("networks:meeting", action.meeting_id)
    done = form.cleaned_data["done"]
    services.action_set_done(actor=request.user, side=side, action_id=action.pk, done=done)
    messages.success(request, _("The action is marked as done.") if done else _("The action is open again."))
    # Back to the meeting the button was on (a later one reviewing the action, say).
    return redirect("networks:meeting", form.cleaned_data["next_meeting"] or action.meeting_id)
