"""The case workspace's tab "Finanzielle Hilfe": the payments of a case, a new request, and
each payment's page with what the user may do next (the access layer decides; this only asks)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import refuse
from access.errors import NotFound
from access.rules import Action
from cases.views._helpers import apply_errors
from casework.views._common import render_tab

from .. import selectors, services
from ..forms import BookPaidForm, ClaimForm, PaymentRequestForm, ReasonForm, RepaymentForm
from ..models import Kind, Status


def _request_form(access, data=None, initial=None):
    if not access.allows(Action.PAYMENT_REQUEST):
        return None
    funds = selectors.funds_open_for(agency_id=access.case.owner_agency_id)
    return PaymentRequestForm(data, funds=funds, initial=initial or {"method": "transfer", "kind": Kind.GRANT})


def _submit(request, form, service, **arguments) -> bool:
    """Validate, call the service, put its errors at the fields. True when saved."""
    if not form.is_valid():
        return False
    try:
        service(actor=request.user, **arguments, **form.service_fields())
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@login_required
def payments(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.PAYMENT_VIEW)
    form = _request_form(access, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form is None:
            refuse(request.user, Action.PAYMENT_REQUEST, access)
        if _submit(request, form, services.payment_request, case=access):
            messages.success(request, _("The payment has been requested. A second person approves it."))
            return redirect("payments:case", access.pk)
    rows = list(selectors.payments_of(access=access))
    return render_tab(
        request,
        "payments/case.html",
        access,
        "payments",
        status=400 if form is not None and form.errors else 200,
        payments=rows,
        form=form,
    )


def _action_forms(payment, kept: dict) -> dict:
    """One form per button, each with its own prefix (so no two fields share an id); the one
    just submitted comes back with the user's input and its errors."""
    forms = {}
    for action, (_needed, form_class, _service) in _ACTIONS.items():
        if form_class is not None and form_class is not PaymentRequestForm:
            initial = {"claim_state": payment.claim_state} if form_class is ClaimForm else None
            forms[action.replace("-", "_")] = kept.get(action) or form_class(prefix=action, initial=initial)
    return forms


def _detail_context(access, payment, forms_with_errors: dict | None = None) -> dict:
    """Which forms the page offers: each only where the access layer allows its action."""
    forms = forms_with_errors or {}
    own = payment.requested_by_id == access.user.pk
    waiting = payment.status == Status.REQUESTED
    context = {
        "payment": payment,
        "journal": selectors.journal_of(payment=payment),
        "can_decide": waiting and not own and access.allows(Action.PAYMENT_APPROVE),
        "can_withdraw": own and payment.status in (Status.REQUESTED, Status.RETURNED),
        "can_book": access.allows(Action.PAYMENT_BOOK),
        "can_approve_write_off": access.allows(Action.WRITE_OFF_APPROVE)
        and payment.write_off_requested_by_id not in (None, access.user.pk),
        "forms": _action_forms(payment, forms),
    }
    if own and payment.status in (Status.REQUESTED, Status.RETURNED) and access.allows(Action.PAYMENT_REQUEST):
        context["correct_form"] = forms.get("korrigieren") or _request_form(
            access, initial=PaymentRequestForm.initial_from(payment)
        )
    return context


@login_required
def detail(request, case_id: int, payment_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.PAYMENT_VIEW)
    payment = selectors.payment_get_for(access=access, payment_id=payment_id)
    return render_tab(request, "payments/detail.html", access, "payments", **_detail_context(access, payment))


# What each button of the payment page does: the action of the rule table it needs, its form
# and the service (which asks the access layer again).
_ACTIONS = {
    "freigeben": (Action.PAYMENT_APPROVE, None, services.payment_approve),
    "ablehnen": (Action.PAYMENT_APPROVE, ReasonForm, services.payment_reject),
    "zurueckgeben": (Action.PAYMENT_APPROVE, ReasonForm, services.payment_return),
    "zurueckziehen": (Action.PAYMENT_REQUEST, None, services.payment_withdraw),
    "korrigieren": (Action.PAYMENT_REQUEST, PaymentRequestForm, services.payment_correct),
    "gezahlt": (Action.PAYMENT_BOOK, BookPaidForm, services.payment_book_paid),
    "rueckbuchen": (Action.PAYMENT_BOOK, ReasonForm, services.payment_reverse),
    "rate": (Action.PAYMENT_BOOK, RepaymentForm, services.loan_repayment_record),
    "abschreibung": (Action.PAYMENT_BOOK, ReasonForm, services.loan_write_off_request),
    "abschreibung-freigeben": (Action.WRITE_OFF_APPROVE, None, services.loan_write_off_approve),
    "erstattung": (Action.PAYMENT_BOOK, ClaimForm, services.advance_claim_set),
}


@login_required
@require_POST
def act(request, case_id: int, payment_id: int, action: str):
    access = case_access(user=request.user, case_id=case_id, action=Action.PAYMENT_VIEW)
    payment = selectors.payment_get_for(access=access, payment_id=payment_id)
    if action not in _ACTIONS:
        raise NotFound("payment", payment_id)
    needed, form_class, service = _ACTIONS[action]
    access.require(needed)  # a refusal looks like any other: 404, before any input is read
    arguments = {"actor": request.user, "case": access, "payment": payment, "version": request.POST.get("version")}
    form = None
    if form_class is PaymentRequestForm:
        form = _request_form(access, request.POST)
    elif form_class is not None:
        form = form_class(request.POST, prefix=action)
    if form is not None and not form.is_valid():
        return _detail_again(request, access, payment, action, form)
    extra = {}
    if form is not None:
        extra = form.service_fields() if form_class is PaymentRequestForm else form.cleaned_data
    try:
        service(**arguments, **extra)
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("payments:detail", access.pk, payment.pk)
        apply_errors(form, error)
        return _detail_again(request, access, payment, action, form)
    messages.success(request, _("Saved."))
    return redirect("payments:detail", access.pk, payment.pk)


def _detail_again(request, access, payment, action, form):
    """The payment's page with the user's input kept and the errors at the fields."""
    context = _detail_context(access, payment, {action: form})
    return render_tab(request, "payments/detail.html", access, "payments", status=400, **context)
