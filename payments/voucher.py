"""The cash-desk voucher (Auszahlungsanordnung) for payments in cash: one page each, with what
municipal cash rules ask of one: the paying cash desk, the voucher number, payee, amount in
figures and in words, reason, due date, budget line and year, "sachlich und rechnerisch
richtig" by the requester and the order by the approver with their dates, and a field for the
payee's signature on receipt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from notlagen.dates import format_when
from notlagen.pdf import Document

from . import money
from .models import Fund, Payment


def _name(user) -> str:
    return user.get_full_name() or user.username


def _voucher_page(pdf: Document, fund: Fund, payment: Payment, due_on: date) -> None:
    pdf.add_page()
    pdf.heading(_("Payment order (cash)"))
    pdf.paragraph(fund.agency.name)
    pdf.field(_("Paying cash desk"), fund.cash_desk or _("City cash desk"))
    pdf.field(_("Voucher number"), payment.voucher_number)
    pdf.field(_("Payee"), payment.payee_name)
    pdf.field(_("Amount"), money.euros(payment.amount))
    pdf.field(_("in words"), money.in_words(payment.amount))
    pdf.field(_("Reason"), f"{payment.get_kind_display()} - {payment.get_purpose_display()}")
    pdf.field(_("Case number"), payment.case.reference)
    pdf.field(_("Due on"), format_when(due_on))
    pdf.field(_("Budget line and year"), f"{fund.budget_line} / {payment.budget_year} ({fund.name})")
    pdf.ln(4)
    pdf.paragraph(
        _("Factually and arithmetically correct (sachlich und rechnerisch richtig): %(name)s, %(date)s")
        % {"name": _name(payment.requested_by), "date": format_when(payment.requested_at)}
    )
    pdf.paragraph(
        _("Payment ordered (angeordnet): %(name)s, %(date)s")
        % {"name": _name(payment.decided_by), "date": format_when(payment.decided_at)}
    )
    pdf.ln(10)
    pdf.paragraph(_("Amount received in cash:") + " ______________________________")
    pdf.paragraph(_("Place, date, signature of the payee"), size=8)
    pdf.ln(6)
    pdf.paragraph(_("Paid out by the cash desk:") + " ______________________________")
    pdf.paragraph(_("Date, signature of the cashier"), size=8)


def render(fund: Fund, payments: Sequence[Payment], *, due_on: date) -> bytes:
    pdf = Document(_("Payment orders (cash)"))
    for payment in payments:
        _voucher_page(pdf, fund, payment, due_on)
    return pdf.render()
