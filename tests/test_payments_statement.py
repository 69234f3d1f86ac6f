"""Booking from the bank's account statement (camt.053): matched transfers booked as paid,
returned ones reversed, everything else reported and left alone; hostile XML refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from payments import services
from payments.models import Budget, Export, Status

from .conftest import login
from .payments_world import fund_for, request
from .world import build_world

pytestmark = pytest.mark.django_db


def camt(*entries: tuple[str, str, str]) -> bytes:
    """(end-to-end id, amount, DBIT/CRDT/CRDT-RETURN) -> a minimal camt.053.001.02 statement
    (CRDT-RETURN: money back with the bank's return information)."""
    rows = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction[:4]}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2026-01-05</Dt></BookgDt><AcctSvcrRef>BANK-{i}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        + ("<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>" if direction == "CRDT-RETURN" else "")
        + "</TxDtls></NtryDtls></Ntry>"
        for i, (e2e, amount, direction) in enumerate(entries)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        f"<BkToCstmrStmt><Stmt><Id>1</Id>{rows}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


@pytest.fixture
def exported(db):
    world = build_world()
    world.fund = fund_for(world.owner)
    world.payments = [request(world, amount="100.00"), request(world, amount="50.00")]
    for payment in world.payments:
        services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
    services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    return world


def test_a_statement_books_and_reverses_what_it_names(exported):
    first, second = exported.payments
    clerk = exported.users["clerk"]
    report = services.statement_import(
        actor=clerk,
        agency_id=exported.owner.pk,
        content=camt(
            (first.voucher_number, "100.00", "DBIT"),
            (second.voucher_number, "49.00", "DBIT"),
            ("NH-2026-999999", "10.00", "DBIT"),
            ("FREMD-1", "10.00", "DBIT"),
        ),
    )
    assert report.booked == [first.voucher_number]
    assert [(line, ref) for line, ref, _why in report.skipped] == [
        (2, second.voucher_number),
        (3, "NH-2026-999999"),
        (4, "FREMD-1"),
    ]
    first.refresh_from_db()
    assert first.status == Status.PAID and first.bank_reference == "BANK-0"
    assert Budget.objects.get(fund=exported.fund).paid == Decimal("100.00")
    # A plain credit quoting the voucher (say, someone paying back) is not a returned transfer.
    report = services.statement_import(
        actor=clerk, agency_id=exported.owner.pk, content=camt((first.voucher_number, "100.00", "CRDT"))
    )
    first.refresh_from_db()
    assert report.reversed == [] and first.status == Status.PAID
    report = services.statement_import(
        actor=clerk, agency_id=exported.owner.pk, content=camt((first.voucher_number, "100.00", "CRDT-RETURN"))
    )
    first.refresh_from_db()
    assert report.reversed == [first.voucher_number] and first.status == Status.REVERSED
    assert Budget.objects.get(fund=exported.fund).paid == Decimal("0.00")


def test_hostile_or_foreign_files_are_refused(exported):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Document>&b;</Document>'
    for content in (bomb, b"not xml", b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.09'/>"):
        with pytest.raises(ValidationError):
            services.statement_import(actor=exported.users["clerk"], agency_id=exported.owner.pk, content=content)


def test_the_desk_uploads_a_statement(client, exported):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, exported.users["clerk"])
    upload = SimpleUploadedFile("auszug.xml", camt((exported.payments[1].voucher_number, "50.00", "DBIT")))
    response = client.post("/zahlungen/kontoauszug/", {"statement": upload}, follow=True)
    assert response.status_code == 200
    exported.payments[1].refresh_from_db()
    assert exported.payments[1].status == Status.PAID
