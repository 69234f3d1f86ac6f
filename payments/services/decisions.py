"""Four eyes: a second person with the approval right in the owning agency approves, rejects or
sends back a request; above PAYMENTS_TEAM_LEAD_ABOVE only a team lead approves. Approving
reserves the amount in the fund's budget, or fails when the budget no longer covers it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.case_access import access_for
from access.rules import Action
from cases import timeline

from .. import ledger, money, notices
from ..models import JournalEntry, Status
from ._common import bump, check_status, check_version, locked, reason_required


def _decider(actor, case, payment, version):
    """The access, the locked payment and the agency acting, after the four-eyes checks."""
    access = access_for(actor, case)
    right = access.require(Action.PAYMENT_APPROVE)
    payment = locked(access, payment)
    check_version(payment, version)
    check_status(payment, Status.REQUESTED)
    if payment.requested_by_id == actor.pk:
        events.denied(
            actor=actor, action="change", object_type="payment", object_id=payment.pk, case_id=payment.case_id
        )
        raise ValidationError(_("You asked for this payment yourself; a second person decides on it."))
    return access, payment, right.agency_id


def _decided(payment, actor, status: str, reason: str = "") -> str:
    before = payment.status
    payment.status = status
    payment.decided_by = actor
    payment.decided_at = timezone.now()
    payment.decision_reason = reason
    bump(payment, "status", "decided_by", "decided_at", "decision_reason", "budget_year")
    return before


@transaction.atomic
def payment_approve(*, actor, case, payment, version=None):
    access, payment, agency_id = _decider(actor, case, payment, version)
    if notices.needs_team_lead(payment.amount) and not access.allows(Action.PAYMENT_APPROVE_LARGE):
        events.denied(
            actor=actor, action="change", object_type="payment", object_id=payment.pk, case_id=payment.case_id
        )
        raise ValidationError(_("Payments of this amount are approved by a team lead."))
    # The money is committed in the year it is approved (a December request approved in
    # January is January's), and the fund must still be the case owner's.
    payment.budget_year = timezone.localdate().year
    if payment.fund.agency_id != access.case.owner_agency_id:
        raise ValidationError(_("This fund no longer belongs to the agency of the case."))
    before = _decided(payment, actor, Status.APPROVED)
    timeline.record(
        case=payment.case_id,
        kind="payment_approved",
        visibility="finances",
        actor=actor,
        agency_id=agency_id,
        ref_id=payment.pk,
        amount=money.euros(payment.amount),
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    notices.requester_told(payment, "approved")
    # Last, so the budget row stays locked only until the commit right after: concurrent
    # approvals of one fund queue on it for as short a time as possible.
    budget = ledger.budget_of(payment)
    if budget is None or not ledger.reserve(budget.pk, payment.amount):
        budget = ledger.budget_of(payment)
        left = money.euros(budget.remaining) if budget else money.euros(0)
        raise ValidationError(_("The fund's budget no longer covers this payment (%(left)s left).") % {"left": left})
    ledger.record(
        actor=actor, event=JournalEntry.Event.APPROVED, payment=payment, status_before=before, budget_moved=True
    )
    return payment


@transaction.atomic
def payment_reject(*, actor, case, payment, reason: str = "", version=None):
    reason = reason_required(reason)
    access, payment, agency_id = _decider(actor, case, payment, version)
    before = _decided(payment, actor, Status.REJECTED, reason)
    ledger.record(actor=actor, event=JournalEntry.Event.REJECTED, payment=payment, status_before=before, note=reason)
    timeline.record(
        case=payment.case_id,
        kind="payment_rejected",
        visibility="finances",
        actor=actor,
        agency_id=agency_id,
        ref_id=payment.pk,
        amount=money.euros(payment.amount),
    )
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    notices.requester_told(payment, "rejected")
    return payment


@transaction.atomic
def payment_return(*, actor, case, payment, reason: str = "", version=None):
    """Send back for correction: the requester changes it and it waits for approval again."""
    reason = reason_required(reason)
    access, payment, agency_id = _decider(actor, case, payment, version)
    before = payment.status
    payment.status = Status.RETURNED
    payment.decision_reason = reason
    bump(payment, "status", "decision_reason")
    ledger.record(actor=actor, event=JournalEntry.Event.RETURNED, payment=payment, status_before=before, note=reason)
    access.report(action="change", object_type="payment", object_ids=[payment.pk], agency_id=agency_id)
    notices.requester_told(payment, "returned")
    return payment
