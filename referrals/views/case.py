"""The case workspace's tab "Vermittlungen": the case's referrals, and referring the case to an
offer chosen in the directory (the access layer decides; these views only ask)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.case_access import case_access
from access.errors import NotFound, as_int
from access.rules import Action
from cases import selectors as case_selectors
from cases.views._helpers import apply_errors
from casework.selectors import current_risk_assessment
from casework.views._common import render_tab

from .. import selectors, services
from ..forms import ReferralForm
from ..models import Referral, Status
from ..workdays import add_working_days


@login_required
def case_referrals(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.REFERRAL_VIEW)
    return render_tab(
        request,
        "referrals/case.html",
        access,
        "referrals",
        referrals=list(selectors.referrals_of_case(access=access)),
        can_refer=access.allows(Action.REFERRAL_CREATE) and access.case.status != "closed",
    )


def _draft_of(access, draft_id) -> Referral | None:
    if not draft_id:
        return None
    pk = as_int(draft_id, object_type="referral")
    draft = selectors.referrals_of_case(access=access).filter(pk=pk, status=Status.DRAFT).first()
    if draft is None:
        raise NotFound("referral", draft_id)
    return draft


def _initial(draft: Referral | None) -> dict:
    if draft is None:
        return {"respond_by": add_working_days(timezone.localdate(), settings.REFERRAL_ANSWER_WORKING_DAYS)}
    basis = (
        f"consent:{draft.consent_id}" if draft.consent_id else f"statute:{draft.statute_id}" if draft.statute_id else ""
    )
    return {
        "version": draft.version,
        "purpose": draft.purpose,
        "scope": draft.scope,
        "legal_basis": basis,
        "urgency": draft.urgency,
        "respond_by": draft.respond_by,
        "message": draft.message,
    }


@login_required
def create(request, case_id: int):
    """Refer the case to the offer `?angebot=`; `?entwurf=` continues a draft."""
    access = case_access(user=request.user, case_id=case_id, action=Action.REFERRAL_CREATE)
    draft = _draft_of(access, request.GET.get("entwurf"))
    chosen = (request.POST.get("offer") if request.method == "POST" else None) or request.GET.get("angebot")
    offer = draft.offer if draft else selectors.offer_for_referral(chosen)
    if offer is None:
        messages.info(request, _("Choose a help offer in the directory first."))
        return redirect(f"{reverse('referrals:directory')}?fall={access.pk}")
    consents = case_selectors.usable_consents_of(user=request.user, person=access.case.person)
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data, consents=consents, initial={**_initial(draft), "offer": offer.pk})
    if data is not None and form.is_valid():
        send = "send" in request.POST
        try:
            referral = services.referral_save(
                actor=request.user,
                case=access,
                offer=offer,
                send=send,
                draft=draft,
                version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
            # The offer travels in a hidden field: say at the top why it was refused.
            if "offer" in form.errors:
                form.add_error(None, form.errors.pop("offer"))
        else:
            messages.success(
                request,
                _("The referral has been sent. You will be told of every answer.")
                if send
                else _("The draft has been saved."),
            )
            return redirect("referrals:detail", referral.pk)
    return render_tab(
        request,
        "referrals/create.html",
        access,
        "referrals",
        status=400 if form.errors else 200,
        form=form,
        offer=offer,
        draft=draft,
        has_consents=bool(consents),
        risk=current_risk_assessment(access=access),
    )
