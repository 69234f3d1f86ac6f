"""Reads of financial help. Every list is a reporting queryset (access.reporting): the rows it
hands out are logged, whatever channel pages through it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from access import events
from access.case_access import CaseAccess
from access.decide import require_in, right_in
from access.errors import NotFound, as_int
from access.rules import Action

from .models import ZERO, Budget, ClaimState, Export, Fund, JournalEntry, Kind, Payment, Status, WriteOffState

QUEUE_ROWS = 200


def _payments():
    return Payment.objects.select_related("fund", "case", "requested_by", "decided_by").annotate(
        person_id=F("case__person_id")
    )


def payments_of(*, access: CaseAccess):
    access.require(Action.PAYMENT_VIEW)
    return (
        _payments()
        .filter(case=access.case)
        .reported_to(access.user, object_type="payment", case=access, agency_id=access.acting_agency_id)
    )


def payment_get_for(*, access: CaseAccess, payment_id) -> Payment:
    access.require(Action.PAYMENT_VIEW)
    payment = _payments().filter(pk=as_int(payment_id, object_type="payment"), case=access.case).first()
    if payment is None:
        events.denied(actor=access.user, object_type="payment", object_id=payment_id, case_id=access.pk)
        raise NotFound("payment", payment_id)
    access.report(action="view", object_type="payment", object_ids=[payment.pk])
    return payment


def journal_of(*, payment: Payment):
    """The journal of a payment already read through payment_get_for (no second log entry)."""
    return JournalEntry.objects.filter(payment=payment).select_related("actor").order_by("at", "id")


def funds_open_for(*, agency_id: int):
    return Fund.objects.filter(agency_id=agency_id, active=True).order_by("name")


@dataclass
class Queue:
    agency_id: int
    sections: dict[str, list[Payment]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    to_export: list[dict] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)


_SECTIONS = {
    "to_approve": Q(status=Status.REQUESTED),
    "returned": Q(status=Status.RETURNED),
    "to_export": Q(status=Status.APPROVED),
    "awaiting_booking": Q(status=Status.EXPORTED),
    "loans": Q(kind=Kind.LOAN, status=Status.PAID, amount__gt=F("repaid") + F("written_off")),
    "advances": Q(kind=Kind.ADVANCE, status=Status.PAID, claim_state__in=[ClaimState.OPEN, ClaimState.CLAIMED]),
    "write_offs": Q(kind=Kind.LOAN, write_off_state=WriteOffState.REQUESTED),
}


def instalments_due(payment: Payment, today: date) -> Decimal:
    """What a loan's plan expects to have been repaid by today, less what was repaid or written off."""
    if not payment.instalment or not payment.first_instalment_on or today < payment.first_instalment_on:
        return ZERO
    first = payment.first_instalment_on
    months = (today.year - first.year) * 12 + today.month - first.month + (1 if today.day >= first.day else 0)
    expected = min(payment.amount, payment.instalment * months)
    return max(ZERO, expected - payment.repaid - payment.written_off)


def queue_for(*, user, agency_id: int, today: date) -> Queue:
    """The desk's work: what waits for approval, export, booking; loans with instalments due,
    advances not yet reimbursed. Only the agency's funds and the agency's own cases."""
    right = require_in(user, Action.PAYMENT_QUEUE, agency_id)
    mine = _payments().filter(fund__agency_id=agency_id, case__owner_agency_id=agency_id)
    queue = Queue(agency_id=agency_id)
    for name, condition in _SECTIONS.items():
        rows = mine.filter(condition).order_by("requested_at", "id")
        queue.counts[name] = rows.count()
        queue.sections[name] = list(
            rows[:QUEUE_ROWS].reported_to(user, object_type="payment", agency_id=right.agency_id)
        )
    for loan in queue.sections["loans"]:
        loan.due = instalments_due(loan, today)
    queue.to_export = list(
        Payment.objects.filter(fund__agency_id=agency_id, case__owner_agency_id=agency_id, status=Status.APPROVED)
        .values("fund_id", "fund__name", "method")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("fund__name", "method")
    )
    queue.exports = list(Export.objects.filter(fund__agency_id=agency_id).select_related("fund", "created_by")[:20])
    return queue


def export_get_for(*, user, export_id) -> Export:
    export = Export.objects.select_related("fund").filter(pk=as_int(export_id, object_type="payment_export")).first()
    if export is None:
        events.denied(actor=user, action="export", object_type="payment", object_id=export_id)
        raise NotFound("payment", export_id)
    right = right_in(user, Action.PAYMENT_EXPORT, export.fund.agency_id)
    if right is None:
        events.denied(actor=user, action="export", object_type="payment", object_id=export.pk)
        raise NotFound("payment", export.pk)
    payments = list(export.payments.values_list("pk", "case_id", "case__person_id"))
    events.report(
        actor=user,
        action="export",
        object_type="payment",
        object_ids=[p[0] for p in payments],
        case_ids=[p[1] for p in payments],
        person_ids=[p[2] for p in payments],
        agency_id=right.agency_id,
        purpose=f"download {export.filename}",
    )
    return export


@dataclass
class FundYear:
    fund: Fund
    budget: Budget | None
    months: list[dict]


def budget_overview(*, user, agency_id: int, year: int, today: date) -> list[FundYear]:
    """Per fund: the year's budget and, per month, what was committed and paid by its end (from
    the journal, which records the budget after every change). No person appears here."""
    require_in(user, Action.PAYMENT_QUEUE, agency_id)
    funds = list(Fund.objects.filter(agency_id=agency_id).order_by("name"))
    budgets = {b.fund_id: b for b in Budget.objects.filter(fund__in=funds, year=year)}
    states: dict[int, dict[int, tuple[Decimal, Decimal]]] = {}
    entries = (
        JournalEntry.objects.filter(fund__in=funds, budget_year=year, committed_after__isnull=False)
        .order_by("at", "id")
        .values_list("fund_id", "at", "committed_after", "paid_after")
    )
    for fund_id, at, committed, paid in entries:
        states.setdefault(fund_id, {})[at.month if at.year == year else (12 if at.year > year else 0)] = (
            committed,
            paid,
        )
    result = []
    for fund in funds:
        budget = budgets.get(fund.pk)
        by_month = states.get(fund.pk, {})
        committed, paid = by_month.get(0, (ZERO, ZERO))
        months = []
        for month in range(1, 13):
            committed, paid = by_month.get(month, (committed, paid))
            future = date(year, month, 1) > today
            allocated = budget.allocated if budget else ZERO
            months.append(
                {
                    "month": month,
                    "first": date(year, month, 1),
                    "committed": None if future else committed,
                    "paid": None if future else paid,
                    "remaining": None if future else allocated - committed - paid,
                }
            )
        result.append(FundYear(fund=fund, budget=budget, months=months))
    return result


def may_export(user, agency_id: int) -> bool:
    return right_in(user, Action.PAYMENT_EXPORT, agency_id) is not None
