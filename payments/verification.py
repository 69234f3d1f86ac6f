"""Do the payments and budgets agree with their journal? The journal is append-only in the
database; the payment and budget rows are not (they carry the current state). Someone with
write access to the tables who changes a payment's amount or status, or a budget's committed
or paid, without going through the services leaves rows that no longer match the journal's
last word on them. This check recomputes both and names each disagreement; beat runs it daily
and a failure alerts the auditors (README, "Financial help")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from . import ledger
from .models import ZERO, Budget, JournalEntry, Payment, Status


@dataclass
class JournalCheck:
    payments_checked: int = 0
    budgets_checked: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


_MOVES = {
    JournalEntry.Event.REPAYMENT: "repaid",
    JournalEntry.Event.WRITE_OFF_APPROVED: "written_off",
}
_COMMITTED = {Status.APPROVED, Status.EXPORTED}


def _last_words(result: JournalCheck) -> tuple[dict, dict, dict]:
    """Per payment: its last status and amount and the money moved (from the journal); per
    budget (fund, year): its last committed and paid. On the way, every entry's MAC in its chain
    (a payment's entries; a budget's allocations) is checked."""
    payments: dict[int, dict] = {}
    budgets: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    chains: dict[object, str] = {}
    allocations: dict[tuple[int, int], Decimal] = {}
    for entry in JournalEntry.objects.order_by("id").iterator(chunk_size=5000):
        chain = entry.payment_id or ("budget", entry.fund_id, entry.budget_year)
        if not ledger.mac_ok(entry, chains.get(chain, "")):
            result.findings.append(f"journal entry {entry.pk}: not authentic (changed, inserted or out of its chain)")
        chains[chain] = entry.mac
        if entry.payment_id is not None:
            state = payments.setdefault(entry.payment_id, {"repaid": ZERO, "written_off": ZERO})
            state.update(status=entry.status_after, amount=entry.amount_after, payee=entry.payee_digest)
            if entry.event in _MOVES:
                state[_MOVES[entry.event]] += entry.moved or ZERO
        if entry.event == JournalEntry.Event.BUDGET_ALLOCATED:
            allocations[(entry.fund_id, entry.budget_year)] = entry.amount_after
        if entry.committed_after is not None:
            budgets[(entry.fund_id, entry.budget_year)] = (entry.committed_after, entry.paid_after)
    return payments, budgets, allocations


def run() -> JournalCheck:
    result = JournalCheck()
    journal, budget_words, allocations = _last_words(result)
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for payment in Payment.objects.iterator(chunk_size=5000):
        result.payments_checked += 1
        pk, status, amount, fund_id, year = (
            payment.pk,
            payment.status,
            payment.amount,
            payment.fund_id,
            payment.budget_year,
        )
        word = journal.get(pk)
        current = {
            "status": status,
            "amount": amount,
            "repaid": payment.repaid,
            "written_off": payment.written_off,
            "payee": ledger.payee_digest(payment),
        }
        if word is None:
            result.findings.append(f"payment {pk}: no journal entry")
        else:
            changed = [name for name, value in current.items() if word[name] != value]
            if changed:
                result.findings.append(f"payment {pk}: {', '.join(changed)} differ from the journal")
        if status in _COMMITTED:
            sums[(fund_id, year)][0] += amount
        elif status == Status.PAID:
            sums[(fund_id, year)][1] += amount
    for budget in Budget.objects.all():
        result.budgets_checked += 1
        key = (budget.fund_id, budget.year)
        expected = tuple(sums.get(key, (ZERO, ZERO)))
        if (budget.committed, budget.paid) != expected:
            result.findings.append(f"budget {budget.pk} ({budget}): committed/paid differ from its payments")
        if budget_words.get(key, (ZERO, ZERO)) != (budget.committed, budget.paid):
            result.findings.append(f"budget {budget.pk} ({budget}): committed/paid differ from the journal")
        if allocations.get(key) != budget.allocated:
            result.findings.append(f"budget {budget.pk} ({budget}): allocated differs from the journal")
    return result
