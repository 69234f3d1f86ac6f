"""A referral's page for both sides, its steps, the receiver's inbox, the referrer's outgoing
list and the slip for the person. Which side a user is on and what it may do comes from
access.referrals; the services check it again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import events
from access.decide import agency_for, refuse
from access.referrals import ReferralSide
from access.rules import Action
from access.web import requires
from cases.views._helpers import apply_errors
from casework.selectors import risk_assessment_shown_to

from .. import selectors, services, slip
from ..forms import AcceptForm, CompleteForm, DeclineForm, FirstContactForm, StateFilterForm, StepForm, WithdrawForm
from ..models import Status
from ..services.lifecycle import ALLOWED

# action slug -> (the side's ability it needs, the target state, form, service, what to say)
STEPS = {
    "senden": ("manages", Status.SENT, StepForm, services.referral_send, _("The referral has been sent.")),
    "annehmen": (
        "answers",
        Status.ACCEPTED,
        AcceptForm,
        services.referral_accept,
        _("The referral has been accepted."),
    ),
    "ablehnen": (
        "answers",
        Status.DECLINED,
        DeclineForm,
        services.referral_decline,
        _("The referral has been declined."),
    ),
    "erstkontakt": (
        "answers",
        Status.FIRST_CONTACT,
        FirstContactForm,
        services.referral_first_contact,
        _("The first contact has been recorded."),
    ),
    "abschliessen": (
        "answers",
        Status.COMPLETED,
        CompleteForm,
        services.referral_complete,
        _("The referral has been completed."),
    ),
    "zurueckziehen": (
        "manages",
        Status.WITHDRAWN,
        WithdrawForm,
        services.referral_withdraw,
        _("The referral has been withdrawn."),
    ),
}


def _available(side: ReferralSide) -> list[str]:
    referral = side.referral
    return [
        slug for slug, (needs, to, *_rest) in STEPS.items() if getattr(side, needs) and referral.status in ALLOWED[to]
    ]


def _page(request, side: ReferralSide, kept: dict | None = None, status: int = 200):
    referral = side.referral
    kept = kept or {}
    forms = {
        slug.replace("-", "_"): kept.get(slug) or STEPS[slug][2](prefix=slug, initial={"version": referral.version})
        for slug in _available(side)
    }
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "side": side,
            "forms": forms,
            "transitions": selectors.transitions_of(referral),
            "can_print_slip": slip.may_print(referral),
            "case_open_to_receiver": side.receiver
            and referral.grant_id is not None
            and referral.grant.revoked_at is None,
            "risk": risk_assessment_shown_to(user=request.user, case_id=referral.case_id),
        },
        status=status,
    )


@login_required
def detail(request, referral_id: int):
    return _page(request, selectors.referral_get(user=request.user, referral_id=referral_id))


@require_POST
@login_required
def act(request, referral_id: int, action: str):
    side = selectors.referral_get(user=request.user, referral_id=referral_id)
    if action not in _available(side):
        refuse(request.user, Action.REFERRAL_ANSWER)
    _needs, _to, form_class, service, said = STEPS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        arguments = dict(form.cleaned_data)
        try:
            service(actor=request.user, referral=side.referral, **arguments)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, said)
            return redirect("referrals:detail", side.referral.pk)
    return _page(request, side, kept={action: form}, status=400)


def _listing(request, action: Action, page_of, template: str):
    agency = agency_for(request.user, action)
    if agency is None:
        refuse(request.user, action)
    form = StateFilterForm(request.GET or None)
    state = (form.cleaned_data.get("status") if form.is_valid() else "") or "offen"
    page = page_of(user=request.user, agency_id=agency.pk, state=state, page=request.GET.get("seite") or 1)
    return render(request, template, {"agency": agency, "page": page, "filter_form": form, "state": state})


@requires(Action.REFERRAL_INBOX)
def inbox(request):
    return _listing(request, Action.REFERRAL_INBOX, selectors.inbox_page, "referrals/inbox.html")


@requires(Action.REFERRAL_OUTGOING)
def outgoing(request):
    return _listing(request, Action.REFERRAL_OUTGOING, selectors.outgoing_page, "referrals/outgoing.html")


@login_required
def slip_pdf(request, referral_id: int):
    """The slip the person takes to the provider: only what the referral's scope covers."""
    side = selectors.referral_get(user=request.user, referral_id=referral_id)
    if not side.manages or not slip.may_print(side.referral):
        refuse(request.user, Action.REFERRAL_CREATE, side.referral.case)
    referral = side.referral
    events.report(
        actor=request.user,
        action="print",
        object_type="referral_slip",
        object_ids=[referral.pk],
        case_ids=[referral.case_id],
        person_ids=[referral.case.person_id],
        agency_id=side.acting_agency_id,
    )
    response = HttpResponse(slip.render(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="vermittlungsschein-{side.referral.pk}.pdf"'
    return response
