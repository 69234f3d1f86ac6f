"""The two books every payment service writes to: the fund's budget (moved only by conditional
updates, so concurrent approvals can never overdraw it) and the append-only journal."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from django.db.models import F, Max
from django.utils import timezone

from audit import keys

from .models import Budget, JournalEntry, Payment

# The fields an entry's MAC covers, in order (with the MAC of the entry before it in its chain).
SIGNED = (
    "at",
    "actor_id",
    "event",
    "fund_id",
    "budget_year",
    "payment_id",
    "export_id",
    "status_before",
    "status_after",
    "amount_before",
    "amount_after",
    "moved",
    "committed_after",
    "paid_after",
    "note",
    "payee_digest",
)


def payee_digest(payment: Payment) -> str:
    """Who gets how much from where, as one hash (see JournalEntry.payee_digest)."""
    parts = [
        payment.payee_name,
        payment.account_holder,
        payment.iban,
        payment.bic,
        payment.method,
        str(payment.fund_id),
        str(payment.budget_year),
        f"{payment.amount:.2f}",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _canonical(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # 50 and 50.00 are the same money (and the same column value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def entry_message(entry: JournalEntry, previous_mac: str) -> bytes:
    text = "|".join(_canonical(getattr(entry, name)) for name in SIGNED)
    return f"{previous_mac}|{text}".encode()


def mac_ok(entry: JournalEntry, previous_mac: str) -> bool:
    key = keys.by_id(entry.key_id)
    return bool(key and entry.mac) and hmac.compare_digest(keys.mac(key, entry_message(entry, previous_mac)), entry.mac)


def sign(entry: JournalEntry, previous_mac: str) -> JournalEntry:
    """Authenticate the entry in its chain with the current key (kept outside the database)."""
    entry.key_id, key = keys.current()
    entry.mac = keys.mac(key, entry_message(entry, previous_mac))
    return entry


def last_entries(payment_ids) -> dict[int, tuple[str, str]]:
    """(MAC, payee digest) of each payment's newest entry (two queries, whatever the number)."""
    newest = JournalEntry.objects.filter(payment_id__in=list(payment_ids)).values("payment_id").annotate(last=Max("id"))
    ids = [row["last"] for row in newest]
    rows = JournalEntry.objects.filter(pk__in=ids).values_list("payment_id", "mac", "payee_digest")
    return {payment_id: (mac, digest) for payment_id, mac, digest in rows}


def last_macs(payment_ids) -> dict[int, str]:
    return {payment_id: mac for payment_id, (mac, _digest) in last_entries(payment_ids).items()}


def _previous_mac(payment: Payment | None, fund_id: int, year: int) -> str:
    if payment is not None:
        return last_macs([payment.pk]).get(payment.pk, "")
    entry = (
        JournalEntry.objects.filter(payment=None, fund_id=fund_id, budget_year=year)
        .order_by("-id")
        .values("mac")
        .first()
    )
    return entry["mac"] if entry else ""


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
    entry = JournalEntry(
        at=timezone.now(),
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
        payee_digest=payee_digest(payment),
    )
    sign(entry, _previous_mac(payment, payment.fund_id, payment.budget_year))
    entry.save()
    return entry


def record_allocation(*, actor, budget: Budget, before: Decimal | None) -> JournalEntry:
    entry = JournalEntry(
        at=timezone.now(),
        actor=actor,
        event=JournalEntry.Event.BUDGET_ALLOCATED,
        fund_id=budget.fund_id,
        budget_year=budget.year,
        amount_before=before,
        amount_after=budget.allocated,
        committed_after=budget.committed,
        paid_after=budget.paid,
    )
    sign(entry, _previous_mac(None, budget.fund_id, budget.year))
    entry.save()
    return entry


def record_fund_change(*, actor, fund, note: str) -> JournalEntry:
    """A change of the account the fund pays from, with the values before and after."""
    year = timezone.localdate().year
    entry = JournalEntry(
        at=timezone.now(),
        actor=actor,
        event=JournalEntry.Event.FUND_CHANGED,
        fund_id=fund.pk,
        budget_year=year,
        note=note[:300],
    )
    sign(entry, _previous_mac(None, fund.pk, year))
    entry.save()
    return entry
