"""Sharing a case: grants (create, revoke, history), consent on the person, access requests
and break-glass. Only the owning agency manages grants; everything else answers 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import may, require
from access.rules import Action
from access.web import requires

from .. import grants, selectors
from ..duplicates import case_for_match_token, match_redeem
from ..forms import (
    AccessRequestForm,
    BreakGlassForm,
    ConsentForm,
    DecideForm,
    GrantForm,
    RevokeForm,
    WithdrawForm,
    default_grant_end,
)
from ..grants import end_of_day
from ._helpers import apply_errors


@login_required
def case_grants(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.GRANTS_MANAGE)
    case = access.case
    form = GrantForm(
        request.POST or None,
        consents=selectors.usable_consents_of(user=request.user, person=case.person),
        initial={"valid_until": default_grant_end()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grants.grant_create(
                actor=request.user,
                case=access,
                grantee_agency=data["grantee_agency"],
                scope=data["scope"],
                purpose=data["purpose"],
                valid_until=end_of_day(data["valid_until"]),
                **form.basis(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The grant has been created."))
            return redirect("cases:grants", case.pk)
    context = {
        "case": case,
        "access": access,
        "form": form,
        "grants": list(selectors.grants_of_case(access=access)),
        "now": timezone.now(),
        "revoke_form": RevokeForm(),
    }
    return render(request, "cases/case_grants.html", context)


@login_required
@require_POST
def grant_revoke(request, case_id: int, grant_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.GRANTS_MANAGE)
    case = access.case
    grant = selectors.grant_of_case(access=access, grant_id=grant_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for revoking."))
        return redirect("cases:grants", case.pk)
    try:
        grants.grant_revoke(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The grant has been revoked."))
    return redirect("cases:grants", case.pk)


@login_required
def person_consents(request, person_id: int):
    person = selectors.person_for_consent(user=request.user, person_id=person_id)
    form = ConsentForm(request.POST or None, initial={"valid_until": default_grant_end()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grants.consent_record(
                actor=request.user,
                person=person,
                agencies=data["agencies"],
                scopes=data["scopes"],
                purpose=data["purpose"],
                given_how=data["given_how"],
                witness=data["witness"],
                text=data["text"],
                valid_until=data["valid_until"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect("cases:consents", person.pk)
    context = {
        "person": person,
        "form": form,
        "consents": list(selectors.consents_of_person(user=request.user, person=person)),
        "withdraw_form": WithdrawForm(),
        "cases": selectors.cases_of_person_for(user=request.user, person=person),
    }
    return render(request, "cases/person_consents.html", context)


@login_required
@require_POST
def consent_withdraw(request, person_id: int, consent_id: int):
    person = selectors.person_for_consent(user=request.user, person_id=person_id)
    consent = selectors.consent_of_person(user=request.user, person=person, consent_id=consent_id)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        revoked = grants.consent_withdraw(actor=request.user, consent=consent, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The consent has been withdrawn; %(count)d grant(s) resting on it have been revoked.")
            % {"count": len(revoked)},
        )
    return redirect("cases:consents", person.pk)


@requires(Action.ACCESS_REQUEST_LIST)
def access_requests(request):
    # Requests to the agency are for those who decide them: who asked about which case is itself sensitive.
    can_decide = may(request.user, Action.ACCESS_REQUEST_INBOX) is not None
    incoming = (
        list(selectors.access_requests_incoming(user=request.user).order_by("status", "-created_at")[:100])
        if can_decide
        else []
    )
    outgoing = list(selectors.access_requests_outgoing(user=request.user).order_by("-created_at")[:100])
    context = {
        "incoming": incoming,
        "outgoing": outgoing,
        "can_decide": can_decide,
    }
    return render(request, "cases/access_requests.html", context)


@login_required
def access_request_decide(request, request_id: int):
    access_request = selectors.access_request_to_decide(user=request.user, request_id=request_id)
    case = access_request.case
    form = DecideForm(
        request.POST or None,
        consents=selectors.usable_consents_of(user=request.user, person=case.person),
        initial={"valid_until": default_grant_end()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        try:
            grants.access_request_decide(
                actor=request.user,
                request=access_request,
                approve=approve,
                note=data["note"],
                valid_until=end_of_day(data["valid_until"]) if data.get("valid_until") else None,
                **(form.basis() if approve else {}),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The request has been decided; the requesting agency has been notified."))
            return redirect("cases:access_requests")
    return render(request, "cases/access_request_decide.html", {"access_request": access_request, "form": form})


@login_required
def access_request_from_match(request, token: str):
    """Ask for access to a record found by the duplicate check, without learning anything of it."""
    case, agency = case_for_match_token(token, user=request.user)
    require(request.user, Action.ACCESS_REQUEST_CREATE, case)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case = match_redeem(token, user=request.user)
                grants.access_request_create(
                    actor=request.user,
                    case=case,
                    scope=form.cleaned_data["scope"],
                    purpose=form.cleaned_data["purpose"],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your request has been sent to %(agency)s.") % {"agency": agency.name})
            return redirect("cases:access_requests")
    return render(request, "cases/access_request_form.html", {"form": form, "agency": agency})


@login_required
def break_glass(request, token: str):
    case, agency = case_for_match_token(token, user=request.user)
    require(request.user, Action.BREAK_GLASS, case)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case = match_redeem(token, user=request.user)
                grants.break_glass_open(
                    actor=request.user,
                    case=case,
                    situation=form.cleaned_data["situation"],
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.warning(
                request,
                _(
                    "Emergency access granted for %(hours)d hours. The owning agency has been informed "
                    "and the access will be reviewed."
                )
                % {"hours": settings.BREAK_GLASS_HOURS},
            )
            return redirect("cases:detail", case.pk)
    return render(request, "cases/break_glass.html", {"form": form, "agency": agency})
