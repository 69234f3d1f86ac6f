"""After the export: booking a payment as paid (or returned by the bank), a loan's instalments
and write-off, an advance's reimbursement claim. Corrections are new journal entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.case_access import access_for
from access.rules import Action
from cases import timeline

from .. import ledger, money
from ..models import ClaimState, JournalEntry, Kind, Method, Status, WriteOffState
from ._common import bump, check_status, check_version, locked, reason_required


def _booker(actor, case, payment, version, action=Action.PAYMENT_BOOK):
    access = access_for(actor, case)
    right = access.require(action)
    payment = locked(access, payment)
    check_version(payment, version)
    return access, payment, right.agency_id


def _not_future(day: date | None, field: str) -> date:
    if day is None:
        raise ValidationError({field: _("Please enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("The date lies in the future.")})
    return day


@transaction.atomic
def payment_book_paid(*, actor, case, payment, paid_on: date | None = None, bank_reference: str = "", version=None):
    access, payment, agency_id = _booker(actor, case, payment, version)
    check_status(payment, Status.EXPORTED)
    payment.paid_on = _not_future(paid_on, "paid_on")
    payment.bank_reference = (bank_reference or "").strip()[:60]
    budget = ledger.budget_of(payment)
    ledger.settle(budget.pk, payment.amount)
    payment.status = Status.PAID
    bump(payment, "status", "paid_on", "bank_reference")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.PAID,
        payment=payment,
        status_before=Status.EXPORTED,
        note=payment.bank_reference,
        budget_moved=True,
    )
    timeline.record(
        case=payment.case_id,
        kind="payment_paid",
        visibility="finances",
        actor=actor,
        agency_id=agency_id,
        ref_id=payment.pk,
        amount=money.euros(payment.amount),
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    return payment


@transaction.atomic
def payment_reverse(*, actor, case, payment, reason: str = "", version=None):
    """A transfer the bank returned (closed account, wrong holder): booked back as a reversal."""
    reason = reason_required(reason)
    access, payment, agency_id = _booker(actor, case, payment, version)
    check_status(payment, Status.PAID)
    if payment.method != Method.TRANSFER:
        raise ValidationError(_("Only a transfer can come back from the bank; cash paid out is not reversed."))
    if payment.repaid or payment.written_off:
        raise ValidationError(_("Instalments were already recorded on this loan; it cannot be reversed."))
    ledger.reverse(ledger.budget_of(payment).pk, payment.amount)
    payment.status = Status.REVERSED
    bump(payment, "status")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.REVERSED,
        payment=payment,
        status_before=Status.PAID,
        note=reason,
        budget_moved=True,
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    return payment


def _paid_loan(payment) -> None:
    if payment.kind != Kind.LOAN:
        raise ValidationError(_("This payment is not a loan."))
    check_status(payment, Status.PAID)


@transaction.atomic
def loan_repayment_record(
    *, actor, case, payment, amount: Decimal | None = None, received_on: date | None = None, version=None
):
    access, payment, agency_id = _booker(actor, case, payment, version)
    _paid_loan(payment)
    if amount is None:
        raise ValidationError({"amount": _("Please enter the amount.")})
    try:
        money.check_amount(amount)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from error
    if amount > payment.outstanding:
        raise ValidationError(
            {"amount": _("More than is still owed (%(left)s).") % {"left": money.euros(payment.outstanding)}}
        )
    received_on = _not_future(received_on, "received_on")
    payment.repaid += amount
    bump(payment, "repaid")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.REPAYMENT,
        payment=payment,
        status_before=payment.status,
        moved=amount,
        note=received_on.isoformat(),
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    return payment


@transaction.atomic
def loan_write_off_request(*, actor, case, payment, reason: str = "", version=None):
    reason = reason_required(reason)
    access, payment, agency_id = _booker(actor, case, payment, version)
    _paid_loan(payment)
    if payment.outstanding <= 0 or payment.write_off_state == WriteOffState.REQUESTED:
        raise ValidationError(_("Nothing is left to write off, or a write-off is already waiting."))
    payment.write_off_state = WriteOffState.REQUESTED
    payment.write_off_reason = reason
    payment.write_off_requested_by = actor
    payment.write_off_approved_by = None
    bump(payment, "write_off_state", "write_off_reason", "write_off_requested_by", "write_off_approved_by")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.WRITE_OFF_REQUESTED,
        payment=payment,
        status_before=payment.status,
        moved=payment.outstanding,
        note=reason,
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    return payment


@transaction.atomic
def loan_write_off_approve(*, actor, case, payment, version=None):
    access, payment, agency_id = _booker(actor, case, payment, version, action=Action.WRITE_OFF_APPROVE)
    _paid_loan(payment)
    if payment.write_off_state != WriteOffState.REQUESTED:
        raise ValidationError(_("No write-off is waiting for approval."))
    if payment.write_off_requested_by_id == actor.pk:
        events.denied(
            actor=actor, action="change", object_type="payment", object_id=payment.pk, case_id=payment.case_id
        )
        raise ValidationError(_("You asked for this write-off yourself; a second person decides on it."))
    amount = payment.outstanding
    payment.written_off += amount
    payment.write_off_state = WriteOffState.APPROVED
    payment.write_off_approved_by = actor
    bump(payment, "written_off", "write_off_state", "write_off_approved_by")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.WRITE_OFF_APPROVED,
        payment=payment,
        status_before=payment.status,
        moved=amount,
        note=payment.write_off_reason,
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    return payment


@transaction.atomic
def advance_claim_set(*, actor, case, payment, claim_state: str = "", version=None):
    """The state of the reimbursement claim against the benefit agency (§§ 102 ff. SGB X)."""
    access, payment, agency_id = _booker(actor, case, payment, version)
    if payment.kind != Kind.ADVANCE:
        raise ValidationError(_("This payment is not an advance."))
    check_status(payment, Status.PAID)
    if claim_state not in ClaimState.values or claim_state == payment.claim_state:
        raise ValidationError({"claim_state": _("Please choose the new state of the claim.")})
    before = payment.claim_state
    payment.claim_state = claim_state
    payment.claim_changed_on = timezone.localdate()
    bump(payment, "claim_state", "claim_changed_on")
    ledger.record(
        actor=actor,
        event=JournalEntry.Event.CLAIM_CHANGED,
        payment=payment,
        status_before=payment.status,
        note=f"{before} -> {claim_state}",
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    return payment
