"""Adversarial review of financial help: each test names a way money or payment data goes wrong
and fails while it does (README, "Financial help"). The world is the access tests' world with a
fund of the owning agency; raw SQL plays someone who can write the tables as the application
role (not the owner), the admin client a rogue administrator."""

import re
import zlib
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from agencies.roles import Role
from audit.models import AccessLogEntry
from payments import services, statement, verification
from payments.models import Budget, Export, JournalEntry, Payment, Status

from .conftest import confirmed_device, login
from .factories import member
from .payments_world import IBAN_OK, fund_for, request
from .world import build_world

pytestmark = pytest.mark.django_db

MALLORY_IBAN = "DE02120300000000202051"  # a valid IBAN that nobody approved
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def world(db):
    world = build_world()
    world.fund = fund_for(world.owner)
    return world


def approved(world, **extra) -> Payment:
    payment = request(world, **extra)
    return services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)


def camt(*entries: tuple[str, str], extra: str = "") -> bytes:
    """(end-to-end id, amount) -> a camt.053 statement of outgoing transfers."""
    rows = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-01-05</Dt></BookgDt>'
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{extra}</TxDtls></NtryDtls></Ntry>"
        for e2e, amount in entries
    )
    return (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        f"<BkToCstmrStmt><Stmt>{rows}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def log_of(response) -> list[tuple]:
    entries = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"])
    return list(entries.values_list("action", "object_type", "outcome", "object_ids"))


# --- money: exports that cannot go out, years that mix ----------------------------------------


def test_a_name_outside_the_sepa_character_set_cannot_block_the_funds_transfers(world):
    """A holder written in Cyrillic (or Arabic) becomes an empty <Nm> after transliteration: the
    XSD refuses the whole file, and an approved payment cannot be taken out of the export again,
    so none of the fund's transfers can be exported any more."""
    try:
        request(world, account_holder="Иван Петров", payee_name="Иван Петров")
    except ValidationError as error:
        assert "account_holder" in error.message_dict or "payee_name" in error.message_dict
        return
    foreign = Payment.objects.get(account_holder="Иван Петров")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=foreign)
    ordinary = approved(world, amount="10.00")
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    assert ordinary.voucher_number.encode() in bytes(export.content)


def test_a_december_request_approved_in_january_is_not_charged_to_the_old_year(world):
    year = 2031
    with time_machine.travel(datetime(year, 12, 31, 12, tzinfo=BERLIN)):
        fund = fund_for(world.owner, name="Winterhilfe", year=year, allocated="300.00")
        payment = request(world, fund=fund, amount="200.00")
    Budget.objects.create(fund=fund, year=year + 1, allocated=Decimal("1000.00"))
    with time_machine.travel(datetime(year + 1, 1, 2, 12, tzinfo=BERLIN)):
        try:
            services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
        except ValidationError:
            pass  # refusing (ask again in the new year) is fine too
    # Money approved and paid in January belongs to January's budget year.
    assert Budget.objects.get(fund=fund, year=year).committed == 0


def test_a_correction_is_checked_against_the_budget_it_is_charged_to(world):
    year = 2031
    with time_machine.travel(datetime(year, 12, 31, 12, tzinfo=BERLIN)):
        fund = fund_for(world.owner, name="Winterhilfe", year=year, allocated="300.00")
        payment = request(world, fund=fund, amount="200.00")
        services.payment_return(actor=world.users["clerk"], case=world.case, payment=payment, reason="Betrag")
    Budget.objects.create(fund=fund, year=year + 1, allocated=Decimal("1000.00"))
    fields = {
        "fund": fund,
        "kind": "grant",
        "purpose": "arrears",
        "amount": Decimal("900.00"),  # fits 2032 (1.000 €), not 2031 (300 €)
        "justification": "Nachforderung",
        "payee_is_person": False,
        "payee_name": "Stadtwerke Hannover AG",
        "method": "transfer",
        "account_holder": "Stadtwerke Hannover AG",
        "iban": IBAN_OK,
    }
    with time_machine.travel(datetime(year + 1, 1, 2, 12, tzinfo=BERLIN)):
        try:
            services.payment_correct(actor=world.users["social_worker"], case=world.case, payment=payment, **fields)
        except ValidationError:
            return
    payment.refresh_from_db()
    # Accepted because 2032 covers it: then it must be charged to 2032.
    assert payment.budget_year == year + 1


def test_an_amount_that_is_not_a_number_is_refused_at_its_field(world):
    for amount in (Decimal("NaN"), Decimal("Infinity"), Decimal("sNaN")):
        with pytest.raises(ValidationError):
            request(world, amount=amount)


# --- someone who can write the tables (application role) --------------------------------------


def test_the_bank_file_pays_only_the_account_that_was_approved(world):
    payment = approved(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_payment SET iban = %s, account_holder = 'M Allory' WHERE id = %s",
            [MALLORY_IBAN, payment.pk],
        )
    try:
        export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    except ValidationError:
        return  # refused: the account differs from what the approver saw
    assert MALLORY_IBAN.encode() not in bytes(export.content)


def test_a_changed_export_file_is_not_handed_out(client, world):
    approved(world)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    forged = bytes(export.content).replace(IBAN_OK.encode(), MALLORY_IBAN.encode())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payments_export SET content = %s WHERE id = %s", [forged, export.pk])
    login(client, world.users["clerk"])
    response = client.get(f"/zahlungen/exporte/{export.pk}/")
    assert not (response.status_code == 200 and MALLORY_IBAN.encode() in response.content)


def test_the_check_finds_a_budget_raised_around_the_services(world):
    approved(world)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payments_budget SET allocated = allocated + 100000 WHERE fund_id = %s", [world.fund.pk])
    assert not verification.run().ok


def test_a_forged_approval_is_found_by_the_check(world):
    """Held since the journal's HMAC chain: status, budget and an entry written around the services."""
    payment = request(world, amount="100.00")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_payment SET status = 'approved', decided_by_id = %s WHERE id = %s",
            [world.users["clerk"].pk, payment.pk],
        )
        cursor.execute("UPDATE payments_budget SET committed = committed + 100 WHERE fund_id = %s", [world.fund.pk])
        cursor.execute(
            "INSERT INTO payments_journalentry (at, actor_id, event, fund_id, budget_year, payment_id, status_before,"
            " status_after, amount_before, amount_after, committed_after, paid_after, note, key_id, mac)"
            " VALUES (now(), %s, 'approved', %s, %s, %s, 'requested', 'approved', 100, 100, 100, 0, '', '', '')",
            [world.users["clerk"].pk, world.fund.pk, payment.budget_year, payment.pk],
        )
    assert not verification.run().ok


# --- a rogue administrator --------------------------------------------------------------------


def _fund_form(world, **changes) -> dict:
    fund = world.fund
    data = {
        "agency": fund.agency_id,
        "name": fund.name,
        "budget_line": fund.budget_line,
        "per_payment_limit": str(fund.per_payment_limit),
        "kinds": fund.kinds,
        "active": "on",
        "cash_desk": fund.cash_desk,
        "debtor_name": fund.debtor_name,
        "debtor_iban": fund.debtor_iban,
        "debtor_bic": fund.debtor_bic,
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, world):
    admin = world.users["administrator"]
    login(client, admin, device=confirmed_device(admin))
    return client


def test_the_admin_cannot_move_a_fund_with_its_money_and_exports_to_another_agency(admin_client, world):
    """Moved, the fund's budget serves the other agency, its approved payments can no longer be
    exported by anyone, and the other agency's clerks download the old files (payees, IBANs)."""
    approved(world)
    url = f"/verwaltung/payments/fund/{world.fund.pk}/change/"
    admin_client.post(url, _fund_form(world, agency=world.agencies["unrelated"].pk))
    world.fund.refresh_from_db()
    assert world.fund.agency_id == world.owner.pk


def test_a_change_of_the_paying_account_is_journaled(admin_client, world):
    before = JournalEntry.objects.filter(fund=world.fund).count()
    url = f"/verwaltung/payments/fund/{world.fund.pk}/change/"
    response = admin_client.post(url, _fund_form(world, debtor_iban=MALLORY_IBAN, debtor_name="Mallory"))
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.debtor_iban == MALLORY_IBAN
    # The access log says only "IBAN (payer) changed", not from what to what; the journal nothing.
    assert JournalEntry.objects.filter(fund=world.fund).count() > before


# --- the access log -------------------------------------------------------------------------------


def test_withdrawing_a_colleagues_request_is_logged_as_denied(client, world):
    payment = request(world)
    colleague = member(Role.SOCIAL_WORKER, world.owner, username="sw-kollegin")
    login(client, colleague)
    url = f"/faelle/{world.case.pk}/finanzielle-hilfe/{payment.pk}/zurueckziehen/"
    response = client.post(url, {"version": payment.version})
    payment.refresh_from_db()
    assert payment.status == Status.REQUESTED
    assert any(outcome == "denied" for _a, _t, outcome, _ids in log_of(response)), log_of(response)


def test_a_refused_download_names_the_export_asked_for(client, world):
    approved(world)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    partner_clerk = member(Role.CLERK, world.agencies["finance"], username="jc-kasse")
    login(client, partner_clerk)
    response = client.get(f"/zahlungen/exporte/{export.pk}/")
    assert response.status_code == 404
    denied = [ids for _a, _t, outcome, ids in log_of(response) if outcome == "denied"]
    assert denied == [[export.pk]], log_of(response)


# --- the bank statement and the cash voucher ------------------------------------------------------


@pytest.fixture
def exported(world):
    world.payment = approved(world, amount="20.00")
    services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    return world


def test_an_entry_named_twice_in_one_statement_does_not_refuse_the_whole_statement(exported):
    number = exported.payment.voucher_number
    report = services.statement_import(
        actor=exported.users["clerk"], agency_id=exported.owner.pk, content=camt((number, "20.00"), (number, "20.00"))
    )
    assert report.booked == [number] and len(report.skipped) == 1


def test_a_hostile_amount_in_a_statement_is_refused_not_a_server_error(exported):
    number = exported.payment.voucher_number
    for content in (camt((number, "20.00"), extra="<Amt>x</Amt>"), camt((number, "sNaN"))):
        try:
            services.statement_import(actor=exported.users["clerk"], agency_id=exported.owner.pk, content=content)
        except ValidationError:
            pass


def test_a_voucher_number_beyond_six_digits_is_found_on_the_statement():
    entry = statement.Entry(
        line=1, end_to_end_id="NH-2026-1234567", amount=Decimal(1), booked_on=None, reference="", returned=False
    )
    assert entry.payment_id == 1234567


def test_the_statement_upload_through_the_web_keeps_a_foreign_voucher_untouched(client, exported):
    partner_clerk = member(Role.CLERK, exported.agencies["finance"], username="jc-kasse")
    login(client, partner_clerk)
    upload = SimpleUploadedFile("auszug.xml", camt((exported.payment.voucher_number, "20.00")))
    assert client.post("/zahlungen/kontoauszug/", {"statement": upload}).status_code == 302
    exported.payment.refresh_from_db()
    assert exported.payment.status == Status.EXPORTED  # held: another agency cannot book it


def test_a_cash_voucher_names_the_payee_legibly(world):
    """The cash desk pays against the name on the voucher; fpdf's core fonts print '????'."""
    try:
        payment = approved(world, method="cash", payee_name="محمد الأحمد", account_holder="")
    except ValidationError:
        return  # refused at the field (ask for the name in Latin letters) is fine too
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.CASH)
    raw = bytes(export.content)
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S)
    text = b"".join(zlib.decompress(s) for s in streams)
    assert payment.voucher_number.encode() in text
    assert b"????" not in text
