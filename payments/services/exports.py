"""Exporting a fund's approved payments: transfers as one SEPA file, cash payments as vouchers.
A payment is exported at most once, whatever the clicks: the rows are locked and moved from
approved to exported in the transaction that stores the file; a second export running at the
same time waits for the locks and then finds nothing left to take."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.decide import require_in
from access.rules import Action

from .. import ledger, sepa, voucher
from ..models import Export, Fund, JournalEntry, Method, Payment, Status

_METHOD = {Export.Format.SEPA: Method.TRANSFER, Export.Format.CASH: Method.CASH}


@transaction.atomic
def export_create(*, actor, fund: Fund, format: str) -> Export:
    right = require_in(actor, Action.PAYMENT_EXPORT, fund.agency_id)
    if format not in _METHOD:
        raise ValidationError(_("Please choose what to export."))
    ids = list(
        Payment.objects.select_for_update()
        .filter(fund=fund, status=Status.APPROVED, method=_METHOD[format], case__owner_agency_id=fund.agency_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        raise ValidationError(_("There is nothing to export for this fund."))
    payments = list(
        Payment.objects.filter(pk__in=ids).select_related("case", "requested_by", "decided_by").order_by("id")
    )
    journal = ledger.last_entries(ids)
    _as_approved(payments, journal)
    today = timezone.localdate()
    if format == Export.Format.SEPA:
        content, message_id = sepa.build(fund, payments, execution_date=today)
        content_type, suffix = "application/xml", "xml"
    else:
        content, message_id = voucher.render(fund, payments, due_on=today), ""
        content_type, suffix = "application/pdf", "pdf"
    export = Export.objects.create(
        fund=fund,
        format=format,
        created_by=actor,
        message_id=message_id,
        count=len(payments),
        total=sum(p.amount for p in payments),
        content=content,
        content_type=content_type,
        filename=f"{format}-{fund.pk}-{today:%Y%m%d}-{timezone.now():%H%M%S}.{suffix}",
    )
    Payment.objects.filter(pk__in=ids).update(status=Status.EXPORTED, export=export)
    entries, now = [], timezone.now()
    digest = hashlib.sha256(content).hexdigest()
    for payment in payments:
        payment.status, payment.export = Status.EXPORTED, export
        entry = JournalEntry(
            at=now,
            actor=actor,
            event=JournalEntry.Event.EXPORTED,
            fund_id=fund.pk,
            budget_year=payment.budget_year,
            payment=payment,
            export=export,
            status_before=Status.APPROVED,
            status_after=Status.EXPORTED,
            amount_before=payment.amount,
            amount_after=payment.amount,
            note=f"sha256:{digest}",
            payee_digest=journal[payment.pk][1],
        )
        entries.append(ledger.sign(entry, journal[payment.pk][0]))
    JournalEntry.objects.bulk_create(entries, batch_size=1000)
    _report(actor, payments, right.agency_id)
    return export


def _as_approved(payments, journal) -> None:
    """Each payment exactly as it was approved (payee, account, amount, fund, year), or no file:
    a row changed in the table since the journal's last word is refused by name."""
    changed = [p.voucher_number for p in payments if journal.get(p.pk, ("", ""))[1] != ledger.payee_digest(p)]
    if changed:
        raise ValidationError(
            _("Not exported: %(vouchers)s changed since approval (payee, account or amount). Tell the auditors.")
            % {"vouchers": ", ".join(changed[:10])}
        )


def file_is_as_exported(export: Export) -> bool:
    """The stored file is the one the export journaled (its SHA-256 is in the signed entries)."""
    note = JournalEntry.objects.filter(export=export, event=JournalEntry.Event.EXPORTED).values_list("note", flat=True)
    return note.first() == f"sha256:{hashlib.sha256(bytes(export.content)).hexdigest()}"


def _report(actor, payments, agency_id: int) -> None:
    events.report(
        actor=actor,
        action="export",
        object_type="payment",
        object_ids=[p.pk for p in payments],
        case_ids=sorted({p.case_id for p in payments}),
        person_ids=sorted({p.case.person_id for p in payments}),
        agency_id=agency_id,
    )
