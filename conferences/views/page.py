"""The conference page both sides use (/fallkonferenzen/<id>/), its steps, the invitation as
.ics, the minutes as PDF, and the participants' list of their conferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import events
from access.conferences import (
    details_visible,
    grant_in_force,
    minutes_visible,
    require_convene,
    visible_participants,
)
from access.errors import NotFound
from cases import selectors as case_selectors
from cases.views._helpers import apply_errors
from notlagen.dates import format_when

from .. import calendar, minutes_pdf, selectors, services
from ..forms import (
    ActionForm,
    AttendanceForm,
    DecisionForm,
    MinutesForm,
    ParticipantForm,
    ReasonForm,
    RescheduleForm,
    ReviewForm,
)
from ..services.log import report_change
from ..services.meeting import has_confirmed
from .steps import STEPS


def _forms(side, user, bound: dict | None = None) -> dict:
    conference = side.conference
    if not side.convenes:
        return {}
    forms = {
        "minutes": MinutesForm(
            initial={"minutes": conference.minutes_draft or conference.minutes, "version": conference.version},
            prefix="minutes",
        ),
        "decision": DecisionForm(prefix="decision"),
        "action": ActionForm(
            prefix="action",
            agencies=selectors.action_agencies(conference),
            members=selectors.action_members(conference),
        ),
        "cancel": ReasonForm(initial={"version": conference.version}, prefix="cancel"),
        "move": RescheduleForm.of(conference, prefix="move"),
        "invite": ParticipantForm(
            prefix="invite",
            agencies=selectors.invitable_agencies(conference.case),
            consents=case_selectors.usable_consents_of(user=user, person=conference.case.person),
        ),
    }
    forms.update(bound or {})
    return forms


def _page(request, side, *, bound=None, step_errors=(), status: int = 200):
    conference = side.conference
    visible = minutes_visible(side, request.user)
    details = details_visible(side)
    participants = visible_participants(side)
    if side.convenes:
        selectors.with_representative_candidates(participants)
    context = {
        "conference": conference,
        "side": side,
        "participants": participants,
        "guests": list(conference.guests.all()) if details else [],
        "agenda": list(conference.agenda.all()) if details else [],
        "minutes_visible": visible,
        "confirmed": side.owner or has_confirmed(request.user, conference),
        "grant_in_force": grant_in_force(side),
        "details_visible": details,
        "risk": selectors.risk_for(side, request.user, visible=visible),
        "decisions": list(conference.decisions.all()) if visible else [],
        "actions": selectors.actions_of(conference) if visible else [],
        "to_review": services.actions_to_review(conference) if side.convenes else [],
        "follow_ups": list(conference.follow_ups.all()) if side.owner else [],
        "forms": _forms(side, request.user, bound),
        "review_form": ReviewForm(),
        "attendance_form": AttendanceForm(),
        "can_finalise": side.convenes and conference.starts_at <= timezone.now(),
        "step_errors": list(step_errors),
    }
    return render(request, "conferences/detail.html", context, status=status)


@login_required
def detail(request, conference_id: int):
    return _page(request, selectors.conference_get(user=request.user, conference_id=conference_id))


@require_POST
@login_required
def act(request, conference_id: int, conference_step: str):
    step = conference_step
    side = selectors.conference_get(user=request.user, conference_id=conference_id, report=False)
    if step not in STEPS:
        events.denied(actor=request.user, object_type="conference", object_id=side.conference.pk, action="change")
        raise NotFound("conference", conference_id, "change")
    if step != "bestaetigen":
        require_convene(side, request.user)
    form, run, said = STEPS[step](request, side)
    if form is None or form.is_valid():
        try:
            run(form.cleaned_data if form is not None else {})
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("conferences:detail", side.conference.pk)
            apply_errors(form, error)
        else:
            messages.success(request, said)
            return redirect("conferences:detail", side.conference.pk)
    side = selectors.conference_get(user=request.user, conference_id=conference_id, report=False)
    if step in INLINE_STEPS:  # forms of a table row: their errors go to the top of the page
        errors = [m for messages_ in form.errors.values() for m in messages_]
        return _page(request, side, step_errors=errors, status=400)
    return _page(request, side, bound={step_form_key(step): form}, status=400)


INLINE_STEPS = ("anwesenheit", "zurueckziehen", "pruefen", "gaeste")


def step_form_key(step: str) -> str:
    return {
        "protokoll": "minutes",
        "beschluss": "decision",
        "massnahme": "action",
        "absagen": "cancel",
        "verschieben": "move",
        "einladen": "invite",
    }.get(step, step)


@require_POST
@login_required
def autosave(request, conference_id: int):
    """htmx: keep the draft of the minutes (a second after typing stops); the new version goes
    back into the form, so the next save and the final one are checked against it."""
    side = selectors.conference_get(user=request.user, conference_id=conference_id, report=False)
    require_convene(side, request.user)
    form = MinutesForm(request.POST, prefix="minutes")
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        conference = services.minutes_autosave(
            actor=request.user, side=side, text=form.cleaned_data["minutes"], version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        return HttpResponse(
            format_html('<span class="kern-body kern-body--small">{}</span>', " ".join(error.messages)), status=409
        )
    message = _("Draft saved at %(time)s") % {"time": format_when(conference.minutes_saved_at, "seconds")}
    return HttpResponse(
        format_html(
            '<span class="kern-body kern-body--small">{}</span>'
            '<input type="hidden" name="minutes-version" value="{}" id="id_minutes-version" hx-swap-oob="true">',
            message,
            conference.version,
        )
    )


@login_required
def invitation_ics(request, conference_id: int):
    side = selectors.conference_get(user=request.user, conference_id=conference_id)
    url = request.build_absolute_uri(side.conference.get_absolute_url())
    response = HttpResponse(calendar.invitation_ics(side.conference, page_url=url), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="fallkonferenz-{side.conference.pk}.ics"'
    return response


@login_required
def minutes_pdf_view(request, conference_id: int):
    side = selectors.conference_get(user=request.user, conference_id=conference_id, report=False)
    if not minutes_visible(side, request.user):
        events.denied(actor=request.user, object_type="conference", object_id=side.conference.pk, action="view")
        raise NotFound("conference", conference_id)
    report_change(request.user, side, "print", "conference", side.conference.pk)
    conference = side.conference
    body = minutes_pdf.render(
        conference,
        participants=[p for p in conference.participants.all() if p.is_active],
        guests=list(conference.guests.all()),
        decisions=list(conference.decisions.all()),
        actions=selectors.actions_of(conference),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fallkonferenz-{conference.pk}-protokoll.pdf"'
    return response


@login_required
def mine(request):
    return render(request, "conferences/mine.html", {"conferences": selectors.my_conferences(request.user)})
