"""Reading the bank's account statement (camt.053, ISO 20022) to book exported transfers: each
entry's end-to-end id is the voucher number our pain.001 file gave the transfer. An outgoing
entry books the payment as paid; a returned transfer (a reversal, or money coming back with
the same end-to-end id) books it back. Parsed with defusedxml: the file comes from outside."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

VOUCHER = re.compile(r"^NH-(\d{4})-(\d{6,12})$")


@dataclass(frozen=True)
class Entry:
    line: int  # the entry's position in the statement, for the report
    end_to_end_id: str
    amount: Decimal
    booked_on: date | None
    reference: str
    returned: bool

    @property
    def payment_id(self) -> int | None:
        match = VOUCHER.match(self.end_to_end_id)
        return int(match.group(2)) if match else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node, *path: str):
    for name in path:
        node = next((child for child in node if _local(child.tag) == name), None)
        if node is None:
            return None
    return node


def _text(node, *path: str) -> str:
    found = _find(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _date(node) -> date | None:
    text = _text(node, "BookgDt", "Dt") or _text(node, "BookgDt", "DtTm")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse(content: bytes) -> list[Entry]:
    try:
        root = ElementTree.fromstring(content)
    except Exception as error:  # defusedxml raises its own and ParseError
        raise ValidationError(_("This file is not a camt.053 account statement.")) from error
    if "camt.053" not in root.tag:
        raise ValidationError(_("This file is not a camt.053 account statement."))
    entries = []
    for number, node in enumerate((n for n in root.iter() if _local(n.tag) == "Ntry"), start=1):
        amount = _amount(_text(node, "Amt"))
        for details in [n for n in node.iter() if _local(n.tag) == "TxDtls"] or [node]:
            own = _amount(_text(details, "Amt")) if _find(details, "Amt") is not None else amount
            if own is None:
                continue  # an entry without a readable amount books nothing
            entries.append(
                Entry(
                    line=number,
                    end_to_end_id=_text(details, "Refs", "EndToEndId"),
                    amount=own,
                    booked_on=_date(node),
                    reference=_text(node, "AcctSvcrRef") or _text(details, "Refs", "AcctSvcrRef"),
                    # Only the bank's own marks make a return: anyone sending money can quote
                    # a voucher number, so a plain credit is never taken as a returned transfer.
                    returned=_text(node, "RvslInd") == "true" or _find(details, "RtrInf") is not None,
                )
            )
    return entries


def _amount(text: str) -> Decimal | None:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None
