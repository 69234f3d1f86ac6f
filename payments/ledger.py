"""The two books every payment service writes to: the fund's budget (moved only by conditional
updates, so concurrent approvals can never overdraw it) and the append-only journal."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F

from .models import Budget, JournalEntry, Payment


def budget_of(payment: Payment) -> Budget | None:
    return Budget.objects.filter(fund_id=payment.fund_id, year=payment.budget_year).first()


def reserve(budget_id: int, amount: Decimal) -> bool:
    """Commit `amount` if the budget still covers it. One UPDATE whose condition PostgreSQL
    re-checks after waiting for a concurrent approver's row lock: of N racing approvals exactly
    those that fit succeed. The check constraint budget_never_overdrawn backs it up."""
    return bool(
        Budget.objects.filter(pk=budget_id, allocated__gte=F("committed") + F("paid") + amount).update(
            committed=F("committed") + amount
        )
    )


def settle(budget_id: int, amount: Decimal) -> None:
    """An approved payment was paid: from committed to paid."""
    Budget.objects.filter(pk=budget_id).update(committed=F("committed") - amount, paid=F("paid") + amount)


def reverse(budget_id: int, amount: Decimal) -> None:
    """A paid transfer came back: the money is the fund's again."""
    Budget.objects.filter(pk=budget_id).update(paid=F("paid") - amount)


def record(
    *,
    actor,
    event: str,
    payment: Payment,
    status_before: str = "",
    amount_before: Decimal | None = None,
    moved: Decimal | None = None,
    note: str = "",
    export=None,
    budget_moved: bool = False,
) -> JournalEntry:
    """One journal entry for a change of `payment` (already saved). With `budget_moved`, the
    budget's state after the change is recorded beside it."""
    budget = Budget.objects.filter(fund_id=payment.fund_id, year=payment.budget_year).first() if budget_moved else None
    return JournalEntry.objects.create(
        actor=actor,
        event=event,
        fund_id=payment.fund_id,
        budget_year=payment.budget_year,
        payment=payment,
        export=export,
        status_before=status_before,
        status_after=payment.status,
        amount_before=amount_before if amount_before is not None else payment.amount,
        amount_after=payment.amount,
        moved=moved,
        committed_after=budget.committed if budget else None,
        paid_after=budget.paid if budget else None,
        note=note[:300],
    )


def record_allocation(*, actor, budget: Budget, before: Decimal | None) -> JournalEntry:
    return JournalEntry.objects.create(
        actor=actor,
        event=JournalEntry.Event.BUDGET_ALLOCATED,
        fund_id=budget.fund_id,
        budget_year=budget.year,
        amount_before=before,
        amount_after=budget.allocated,
        committed_after=budget.committed,
        paid_after=budget.paid,
    )
