"""Asking for financial help on a case, correcting a request sent back, withdrawing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from access.case_access import access_for
from access.rules import Action
from cases import timeline
from cases.access_sync import case_touch
from cases.models import Case

from .. import ledger, money, notices
from ..models import Budget, ClaimState, Fund, JournalEntry, Kind, Method, Payment, Purpose, Status
from ._common import bump, check_status, check_version, locked

_LATIN = gettext_lazy(
    "Please write the name in Latin letters, as in the passport or on the bank account (banks and the cash "
    "desk cannot read other scripts)."
)


@dataclass
class RequestData:
    fund: Fund | None
    kind: str
    purpose: str
    amount: Decimal | None
    justification: str
    payee_is_person: bool
    payee_name: str
    method: str
    account_holder: str = ""
    iban: str = ""
    remittance: str = ""
    instalment: Decimal | None = None
    first_instalment_on: date | None = None
    benefit_agency: str = ""
    benefit_reference: str = ""


def _check_fund(data: RequestData, agency_id: int, year: int, errors: dict) -> Budget | None:
    fund = data.fund
    if fund is None or fund.agency_id != agency_id:
        errors["fund"] = _("Please choose a fund of your agency.")
        return None
    if not fund.active:
        errors["fund"] = _("This fund is closed for new requests.")
        return None
    if data.kind in Kind.values and not fund.allows(data.kind):
        errors["kind"] = _("This fund does not pay this kind of help.")
    budget = Budget.objects.filter(fund=fund, year=year).first()
    if budget is None:
        errors["fund"] = _("This fund has no budget for %(year)s yet.") % {"year": year}
        return None
    amount = None if "amount" in errors else data.amount  # compare only a real amount (not NaN)
    if amount is not None and amount > fund.per_payment_limit:
        errors["amount"] = _("Above this fund's limit per payment of %(limit)s.") % {
            "limit": money.euros(fund.per_payment_limit)
        }
    elif amount is not None and amount > budget.remaining:
        errors["amount"] = _("Above what is left in this fund's budget (%(left)s).") % {
            "left": money.euros(budget.remaining)
        }
    return budget


def _check_amount(data: RequestData, errors: dict) -> None:
    if data.amount is None:
        errors["amount"] = _("Please enter the amount.")
        return
    try:
        money.check_amount(data.amount)
    except ValidationError as error:
        errors["amount"] = error.messages[0]


def _check_payee(data: RequestData, person_name: str, errors: dict) -> dict:
    values = {"payee_is_person": data.payee_is_person, "method": data.method}
    payee = person_name if data.payee_is_person else data.payee_name.strip()
    if not payee:
        errors["payee_name"] = _("Please name the payee, e.g. the landlord or the energy supplier.")
    elif not money.in_latin_letters(payee):
        errors["payee_name" if not data.payee_is_person else "payee"] = _LATIN
    values["payee_name"] = payee[:70]
    if data.method not in Method.values:
        errors["method"] = _("Please choose how the money is paid.")
    values.update(account_holder="", iban="", bic="")
    if data.method == Method.TRANSFER:
        holder = data.account_holder.strip() or payee
        if not holder:
            errors["account_holder"] = _("Please enter the account holder.")
        elif not money.in_latin_letters(holder):
            errors["account_holder"] = _LATIN
        try:
            iban = money.checked_iban(data.iban)
            values.update(iban=iban.compact, bic=money.derived_bic(iban))
        except ValidationError as error:
            errors["iban"] = error.messages[0]
        values["account_holder"] = holder[:70]
    values["remittance"] = data.remittance.strip()[:140]
    return values


def _check_kind(data: RequestData, errors: dict) -> dict:
    values = {"kind": data.kind}
    if data.kind not in Kind.values:
        errors["kind"] = _("Please choose the kind of help.")
    if data.kind == Kind.LOAN:
        if data.instalment is None or not data.instalment.is_finite() or data.instalment <= 0:
            errors["instalment"] = _("A loan needs a monthly instalment.")
        elif data.instalment.as_tuple().exponent < -2:
            errors["instalment"] = _("An amount has at most two decimal places (cents).")
        elif data.amount is not None and data.instalment > data.amount:
            errors["instalment"] = _("The instalment cannot be more than the loan.")
        if data.first_instalment_on is None or data.first_instalment_on <= timezone.localdate():
            errors["first_instalment_on"] = _("Please give the date of the first instalment, after today.")
        values.update(instalment=data.instalment, first_instalment_on=data.first_instalment_on)
    else:
        values.update(instalment=None, first_instalment_on=None)
    if data.kind == Kind.ADVANCE:
        if not data.benefit_agency.strip():
            errors["benefit_agency"] = _("Please name the agency the expected benefit comes from.")
        values.update(
            benefit_agency=data.benefit_agency.strip()[:120],
            benefit_reference=data.benefit_reference.strip()[:60],
            claim_state=ClaimState.OPEN,
        )
    else:
        values.update(benefit_agency="", benefit_reference="", claim_state="")
    return values


def validated(data: RequestData, *, access) -> tuple[dict, int]:
    """The payment's fields from a request, or ValidationError with every problem at its field."""
    errors: dict = {}
    year = timezone.localdate().year
    if access.case.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed; reopen it before asking for financial help."))
    _check_amount(data, errors)
    _check_fund(data, access.case.owner_agency_id, year, errors)
    if data.purpose not in Purpose.values:
        errors["purpose"] = _("Please choose the purpose.")
    if not data.justification.strip():
        errors["justification"] = _("Please justify the request.")
    values = _check_kind(data, errors)
    values.update(_check_payee(data, access.case.person.display_name, errors))
    if errors:
        raise ValidationError(errors)
    values.update(
        fund=data.fund, purpose=data.purpose, amount=data.amount, justification=data.justification.strip()[:4000]
    )
    return values, year


def _denied(actor, payment) -> None:
    events.denied(actor=actor, action="change", object_type="payment", object_id=payment.pk, case_id=payment.case_id)


@transaction.atomic
def payment_request(*, actor, case, **fields) -> Payment:
    access = access_for(actor, case)
    right = access.require(Action.PAYMENT_REQUEST)
    values, year = validated(RequestData(**fields), access=access)
    payment = Payment.objects.create(case=access.case, budget_year=year, requested_by=actor, **values)
    ledger.record(actor=actor, event=JournalEntry.Event.REQUESTED, payment=payment, amount_before=Decimal(0))
    timeline.record(
        case=access.case,
        kind="payment_requested",
        visibility="finances",
        actor=actor,
        agency_id=right.agency_id,
        ref_id=payment.pk,
        amount=money.euros(payment.amount),
    )
    case_touch(access.case.pk)
    access.report(action="create", object_type="payment", object_ids=[payment.pk], agency_id=right.agency_id)
    notices.approval_asked(payment)
    return payment


@transaction.atomic
def payment_correct(*, actor, case, payment, version=None, **fields) -> Payment:
    """The requester corrects a request that was sent back (or is still waiting); it waits for
    approval again."""
    access = access_for(actor, case)
    access.require(Action.PAYMENT_REQUEST)
    payment = locked(access, payment)
    check_version(payment, version)
    check_status(payment, Status.REQUESTED, Status.RETURNED)
    if payment.requested_by_id != actor.pk:
        _denied(actor, payment)
        raise ValidationError(_("Only the person who asked for this payment can correct it."))
    values, year = validated(RequestData(**fields), access=access)
    before_status, before_amount = payment.status, payment.amount
    for name, value in values.items():
        setattr(payment, name, value)
    payment.status, payment.budget_year = Status.REQUESTED, year  # checked against this year's budget
    bump(payment, *values, "status", "budget_year")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.CORRECTED,
        payment=payment,
        status_before=before_status,
        amount_before=before_amount,
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk])
    notices.approval_asked(payment)
    return payment


@transaction.atomic
def payment_withdraw(*, actor, case, payment, version=None) -> Payment:
    access = access_for(actor, case)
    access.require(Action.PAYMENT_REQUEST)
    payment = locked(access, payment)
    check_version(payment, version)
    check_status(payment, Status.REQUESTED, Status.RETURNED)
    if payment.requested_by_id != actor.pk:
        _denied(actor, payment)
        raise ValidationError(_("Only the person who asked for this payment can withdraw it."))
    before = payment.status
    payment.status = Status.WITHDRAWN
    bump(payment, "status")
    ledger.record(actor=actor, event=JournalEntry.Event.WITHDRAWN, payment=payment, status_before=before)
    access.report(action="change", object_type="payment", object_ids=[payment.pk])
    return payment
