"""Financial records and budget law: a payment's personal fields are kept until its period is up
(proposed: 10 years after the end of its budget year), then replaced — never sooner, not even on
an erasure request (Art. 17 Abs. 3 lit. b DSGVO: a legal obligation to keep them).

The payment journal is append-only and every entry is authenticated (payments.ledger), so it is
never rewritten. What it keeps about the payee is `payee_digest`, a SHA-256 over payee name,
account holder, IBAN, BIC, method, fund, year and amount: no name or IBAN in clear text, but
someone who already knows them could confirm a guess against it (pseudonymous, not anonymous).
The free-text `note` of journal entries is written by the services from fixed wordings and the
clerks' reasons; it stays, as booking records must. After the payment row is anonymised, one
new entry (event "corrected", signed in the payment's chain like every other) records the
anonymised payee, so payments.verification finds the row and its journal in agreement.

Amounts, kind, purpose, fund, budget year, status and dates stay: the statistics and the budget
books need them. Exports (the SEPA file or voucher PDF handed to the bank or cash desk) lose their
content once every payment in them is anonymised; count, total and file name stay."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from payments import ledger
from payments.models import ClaimState, Export, JournalEntry, Kind, Payment, Status

from .periods import add_months

PAYEE_PLACEHOLDER = "Anonymisiert"
# A transfer must name an account (payment_transfer_has_iban); this is no IBAN of anybody.
IBAN_PLACEHOLDER = "ANONYMISIERT"
JOURNAL_NOTE = "Aufbewahrungsfrist abgelaufen: Zahlungsempfänger und Bankverbindung anonymisiert"

# A payment is finished when nothing more can happen to its money: open requests, approvals
# and exports, loans still being repaid and advances still being claimed are not.
_FINISHED = (Status.PAID, Status.REJECTED, Status.WITHDRAWN, Status.REVERSED)
_OPEN_CLAIMS = (ClaimState.OPEN, ClaimState.CLAIMED)


def payment_due(budget_year: int, months: int) -> datetime:
    """The end of the budget year plus the period: 1 January of the next year + `months`."""
    start = timezone.make_aware(datetime(budget_year + 1, 1, 1))  # noqa: DTZ001 - made aware here
    return add_months(start, months)


def is_finished(row: dict) -> bool:
    if row["status"] not in _FINISHED:
        return False
    if row["kind"] == Kind.LOAN and row["status"] == Status.PAID:
        return row["amount"] <= row["repaid"] + row["written_off"]
    return not (row["kind"] == Kind.ADVANCE and row["claim_state"] in _OPEN_CLAIMS)


def payments_of(case_ids) -> list[dict]:
    """The payments of these cases not yet anonymised (one query)."""
    return list(
        Payment.objects.filter(case_id__in=case_ids)
        .exclude(payee_name=PAYEE_PLACEHOLDER)
        .values("pk", "case_id", "budget_year", "status", "kind", "amount", "repaid", "written_off", "claim_state")
    )


def anonymise(payment_ids, *, actor) -> int:
    """Replace the payee and the free text of these payments and record it in the journal
    (a fixed number of queries for the whole batch). `actor` signs the journal entries: the
    administrator who confirmed the rule, or the data-protection officer of an erasure."""
    payments = list(Payment.objects.select_for_update().filter(pk__in=list(payment_ids)).order_by("pk"))
    if not payments:
        return 0
    for payment in payments:
        payment.payee_name = PAYEE_PLACEHOLDER
        payment.account_holder = ""
        payment.iban = IBAN_PLACEHOLDER if payment.method == "transfer" else ""
        payment.bic = ""
        payment.remittance = ""
        payment.justification = ""
        payment.decision_reason = ""
        payment.write_off_reason = ""
        payment.benefit_reference = ""
    fields = [
        "payee_name",
        "account_holder",
        "iban",
        "bic",
        "remittance",
        "justification",
        "decision_reason",
        "write_off_reason",
        "benefit_reference",
    ]
    Payment.objects.bulk_update(payments, fields, batch_size=1000)
    previous = ledger.last_entries([p.pk for p in payments])
    now = timezone.now()
    entries = [
        ledger.sign(
            JournalEntry(
                at=now,
                actor=actor,
                event=JournalEntry.Event.CORRECTED,
                fund_id=p.fund_id,
                budget_year=p.budget_year,
                payment=p,
                status_before=p.status,
                status_after=p.status,
                amount_before=p.amount,
                amount_after=p.amount,
                note=JOURNAL_NOTE,
                payee_digest=ledger.payee_digest(p),
            ),
            previous.get(p.pk, ("", ""))[0],
        )
        for p in payments
    ]
    JournalEntry.objects.bulk_create(entries, batch_size=1000)
    _empty_exports({p.export_id for p in payments if p.export_id})
    return len(payments)


def _empty_exports(export_ids: set[int]) -> None:
    if not export_ids:
        return
    named = Payment.objects.filter(export_id=OuterRef("pk")).exclude(payee_name=PAYEE_PLACEHOLDER)
    Export.objects.filter(pk__in=export_ids).exclude(Exists(named)).update(content=b"")
