"""Booking from the bank's account statement: every entry that names one of our vouchers
books that payment (paid, or reversed when the transfer came back) through the same services
a clerk uses by hand. Entries that match nothing, or whose amount differs, are reported and
left alone; the whole statement is booked in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decide import require_in
from access.rules import Action

from .. import statement
from ..models import Payment, Status
from .booking import payment_book_paid, payment_reverse


@dataclass
class StatementReport:
    booked: list[str] = field(default_factory=list)
    reversed: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # line, reference, why


def _book(actor, payment: Payment, entry: statement.Entry, report: StatementReport) -> None:
    number = payment.voucher_number
    if entry.amount != payment.amount:
        report.skipped.append((entry.line, number, _("the amount differs from the payment")))
    elif entry.returned and payment.status == Status.PAID:
        payment_reverse(actor=actor, case=payment.case, payment=payment, reason=_("Returned by the bank"))
        report.reversed.append(number)
    elif not entry.returned and payment.status == Status.EXPORTED:
        booked_on = min(entry.booked_on or timezone.localdate(), timezone.localdate())
        payment_book_paid(
            actor=actor, case=payment.case, payment=payment, paid_on=booked_on, bank_reference=entry.reference
        )
        report.booked.append(number)
    elif entry.returned:
        report.skipped.append((entry.line, number, _("a return of a payment that was not booked as paid")))
    elif payment.status == Status.PAID:
        report.skipped.append((entry.line, number, _("already booked")))
    else:
        report.skipped.append((entry.line, number, _("the payment was not exported")))


@transaction.atomic
def statement_import(*, actor, agency_id: int, content: bytes) -> StatementReport:
    require_in(actor, Action.PAYMENT_EXPORT, agency_id)
    entries = statement.parse(content)
    if not entries:
        raise ValidationError(_("The statement contains no entries."))
    ids = {e.payment_id for e in entries if e.payment_id}
    payments = {
        p.pk: p
        for p in Payment.objects.filter(pk__in=ids, fund__agency_id=agency_id, case__owner_agency_id=agency_id)
        .select_related("case")
        .unreported()
    }
    report = StatementReport()
    for entry in entries:
        payment = payments.get(entry.payment_id)
        if payment is None:
            report.skipped.append((entry.line, entry.end_to_end_id or "–", _("no payment of this desk")))
            continue
        _book(actor, payment, entry, report)
        payment.refresh_from_db(fields=["status", "version"])  # the same voucher may come twice
    return report
