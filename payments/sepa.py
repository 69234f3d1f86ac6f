"""The SEPA credit transfer file (pain.001) for a fund's approved transfers: built with
sepaxml in the version the bank takes (PAYMENTS_PAIN001_VERSION), validated against that
version's XSD, and checked against what banks refuse beyond the schema (IBAN check digits, the
SEPA character set, remittance text of at most 140 characters, header sum and count)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SchemaError

from . import money
from .models import Fund, Payment

_ALLOWED = money._SEPA_ALLOWED


def remittance_of(payment: Payment) -> str:
    """What the payee reads on the statement: the voucher number first, then the text given."""
    text = f"{payment.voucher_number} {payment.remittance or payment.get_purpose_display()}"
    return money.sepa_text(text, 140)


def build(fund: Fund, payments: Sequence[Payment], *, execution_date: date) -> tuple[bytes, str]:
    """The file and its message id."""
    version = settings.PAYMENTS_PAIN001_VERSION
    config = {
        "name": money.sepa_text(fund.debtor_name, 70),
        "IBAN": money.checked_iban(fund.debtor_iban).compact,
        "currency": "EUR",
        "batch": True,
    }
    if fund.debtor_bic:
        config["BIC"] = fund.debtor_bic
    transfer = SepaTransfer(config, schema=version, clean=False)
    for payment in payments:
        entry = {
            "name": money.sepa_text(payment.account_holder, 70),
            "IBAN": money.checked_iban(payment.iban).compact,
            "amount": int(payment.amount * 100),
            "execution_date": execution_date,
            "description": remittance_of(payment),
            "endtoend_id": money.sepa_text(payment.voucher_number, 35),
        }
        if payment.bic:
            entry["BIC"] = payment.bic
        transfer.add_payment(entry)
    try:
        content = transfer.export(validate=True)
    except SchemaError as error:
        raise ValidationError(
            _("The SEPA file did not pass the schema check of %(version)s.") % {"version": version}
        ) from error
    check(content, payments)
    return content, transfer.msg_id


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def check(content: bytes, payments: Sequence[Payment]) -> None:
    """What a bank checks beyond the XSD. Raises ValidationError naming the first problem."""
    root = ET.fromstring(content)  # noqa: S314 - the file we just generated, not outside input
    nodes: dict[str, list[ET.Element]] = {}
    for node in root.iter():
        nodes.setdefault(_local(node.tag), []).append(node)
    header_count = int(nodes["NbOfTxs"][0].text)
    header_sum = Decimal(nodes["CtrlSum"][0].text)
    amounts = [Decimal(n.text) for n in nodes.get("InstdAmt", [])]
    if header_count != len(payments) or len(amounts) != len(payments):
        raise ValidationError(_("The SEPA file's count of transfers does not match."))
    if header_sum != sum(amounts) or header_sum != sum(p.amount for p in payments):
        raise ValidationError(_("The SEPA file's control sum does not match."))
    for node in nodes.get("IBAN", []):
        money.checked_iban(node.text)
    for tag, limit in (("Ustrd", 140), ("Nm", 70), ("EndToEndId", 35)):
        for node in nodes.get(tag, []):
            if len(node.text or "") > limit or _ALLOWED.search(node.text or ""):
                raise ValidationError(_("The SEPA file contains text a bank would refuse."))
