"""The steps posted on a conference page: each parses its form and calls its service. Every
step but the confidentiality confirmation belongs to the convening side (the view checks)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cases import selectors as case_selectors

from .. import selectors, services
from ..forms import (
    ActionForm,
    AttendanceForm,
    DecisionForm,
    GuestsForm,
    MinutesForm,
    ParticipantForm,
    ReasonForm,
    RescheduleForm,
    ReviewForm,
    WithdrawForm,
)


def _confirm(request, side):
    return (
        None,
        lambda _d: services.confidentiality_confirm(actor=request.user, side=side),
        _("You have confirmed the confidentiality statement."),
    )


def _minutes(request, side):
    form = MinutesForm(request.POST, prefix="minutes")
    return (
        form,
        lambda d: services.minutes_finalise(actor=request.user, side=side, text=d["minutes"], version=d["version"]),
        _("The minutes have been finalised."),
    )


def _decision(request, side):
    form = DecisionForm(request.POST, prefix="decision")
    return (
        form,
        lambda d: services.decision_add(actor=request.user, side=side, text=d["text"]),
        _("The decision has been recorded."),
    )


def _action(request, side):
    conference = side.conference
    form = ActionForm(
        request.POST,
        prefix="action",
        agencies=selectors.action_agencies(conference),
        members=selectors.action_members(conference),
    )

    def run(d):
        services.action_add(
            actor=request.user,
            side=side,
            agency=d["agency"],
            assignee=d["assignee"],
            text=d["text"],
            due_on=d["due_on"],
        )

    return form, run, _("The action has been recorded and is a task in the case now.")


def _attendance(request, side):
    form = AttendanceForm(request.POST)

    def run(d):
        representative = None
        if d["representative"] is not None:
            representative = get_user_model().objects.filter(pk=d["representative"]).first()
        services.attendance_record(
            actor=request.user,
            side=side,
            participant_id=d["participant"],
            attendance=d["attendance"],
            sent_information=d["sent_information"],
            representative=representative,
        )

    return form, run, _("The attendance has been recorded.")


def _withdraw(request, side):
    form = WithdrawForm(
        {**request.POST.dict(), "withdraw-participant": request.POST.get("participant")}, prefix="withdraw"
    )

    def run(d):
        services.participant_withdraw(
            actor=request.user, side=side, participant_id=d["participant"], reason=d["reason"]
        )

    return form, run, _("The invitation has been withdrawn; the agency's access has ended.")


def _cancel(request, side):
    form = ReasonForm(request.POST, prefix="cancel")

    def run(d):
        services.conference_cancel(actor=request.user, side=side, reason=d["reason"], version=d["version"])

    return form, run, _("The conference has been cancelled; the agencies' access has ended.")


def _reschedule(request, side):
    form = RescheduleForm(request.POST, prefix="move")

    def run(d):
        services.conference_reschedule(actor=request.user, side=side, **d)

    return form, run, _("The conference has been moved; the agencies have the new date.")


def _invite(request, side):
    conference = side.conference
    form = ParticipantForm(
        request.POST,
        prefix="invite",
        agencies=selectors.invitable_agencies(conference.case),
        consents=case_selectors.usable_consents_of(user=request.user, person=conference.case.person),
    )

    def run(_d):
        row = form.row() or {"agency": None}
        services.participant_invite(actor=request.user, side=side, row=row)

    return form, run, _("The agency has been invited.")


def _review(request, side):
    form = ReviewForm(request.POST)

    def run(d):
        services.action_review(actor=request.user, side=side, action_id=d["action"], status=d["status"])

    return form, run, _("The review of the action has been recorded.")


def _guests(request, side):
    form = GuestsForm(request.POST, guests=side.conference.guests.all())

    def run(d):
        services.guests_present(actor=request.user, side=side, present_ids=d["present"])

    return form, run, _("The attendance has been recorded.")


STEPS = {
    "gaeste": _guests,
    "bestaetigen": _confirm,
    "protokoll": _minutes,
    "beschluss": _decision,
    "massnahme": _action,
    "anwesenheit": _attendance,
    "zurueckziehen": _withdraw,
    "absagen": _cancel,
    "verschieben": _reschedule,
    "einladen": _invite,
    "pruefen": _review,
}
