"""Every change of financial help goes through these services: they ask the access layer
(access.rules), validate with German messages at the field, move the budget with conditional
updates and write the journal, all in one transaction."""

from .booking import (
    advance_claim_set,
    loan_repayment_record,
    loan_write_off_approve,
    loan_write_off_request,
    payment_book_paid,
    payment_reverse,
)
from .decisions import payment_approve, payment_reject, payment_return
from .exports import export_create
from .requests import payment_correct, payment_request, payment_withdraw
from .statements import statement_import

__all__ = [
    "advance_claim_set",
    "export_create",
    "loan_repayment_record",
    "loan_write_off_approve",
    "loan_write_off_request",
    "payment_approve",
    "payment_book_paid",
    "payment_correct",
    "payment_reject",
    "payment_request",
    "payment_return",
    "payment_reverse",
    "payment_withdraw",
    "statement_import",
]
