from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from payments import services, verification
from payments.models import Budget, JournalEntry, Payment

from .payments_world import IBAN_OK, fund_for, request
from .test_payments_statement import camt
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = build_world()
    world.fund = fund_for(world.owner)
    return world


def test_probe_cyrillic_holder(world):
    p = request(world, account_holder="Иван Петров", payee_name="Иван Петров")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    ok = request(world, amount="10.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=ok)
    try:
        services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
        print("EXPORT OK")
    except ValidationError as e:
        print("EXPORT BLOCKED", e.messages)


def test_probe_nan(world):
    try:
        request(world, amount=Decimal("NaN"))
    except Exception as e:  # noqa: BLE001
        print("NAN", type(e), e)
    try:
        request(world, amount=Decimal("Infinity"))
    except Exception as e:  # noqa: BLE001
        print("INF", type(e), e)


def test_probe_db_iban(world):
    p = request(world)
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    with connection.cursor() as c:
        c.execute(
            "UPDATE payments_payment SET iban=%s, account_holder='Mallory' WHERE id=%s",
            ["DE02120300000000202051", p.pk],
        )
        c.execute("UPDATE payments_budget SET allocated = allocated + 100000")
    print("VERIFY", verification.run().findings)
    e = services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    print(b"DE02120300000000202051" in bytes(e.content))


def test_probe_year_boundary(world):
    year = 2031
    tz = ZoneInfo("Europe/Berlin")
    with time_machine.travel(datetime(year, 12, 31, 12, tzinfo=tz)):
        fund = fund_for(world.owner, name="F2", year=year, allocated="300.00")
        p = request(world, fund=fund, amount="200.00")
    Budget.objects.create(fund=fund, year=year + 1, allocated=Decimal("1000"))
    with time_machine.travel(datetime(year + 1, 1, 2, 12, tzinfo=tz)):
        services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
        p.refresh_from_db()
        print("YEAR", p.budget_year, list(Budget.objects.filter(fund=fund).values_list("year", "committed")))


def test_probe_year_correction(world):
    year = 2031
    tz = ZoneInfo("Europe/Berlin")
    with time_machine.travel(datetime(year, 12, 31, 12, tzinfo=tz)):
        fund = fund_for(world.owner, name="F2", year=year, allocated="300.00")
        p = request(world, fund=fund, amount="200.00")
        services.payment_return(actor=world.users["clerk"], case=world.case, payment=p, reason="x")
    Budget.objects.create(fund=fund, year=year + 1, allocated=Decimal("1000"))
    with time_machine.travel(datetime(year + 1, 1, 2, 12, tzinfo=tz)):
        p = Payment.objects.get(pk=p.pk)
        from .payments_world import request as _r  # noqa: F401

        fields = dict(
            fund=fund,
            kind="grant",
            purpose="arrears",
            amount=Decimal("900.00"),
            justification="x",
            payee_is_person=False,
            payee_name="X",
            method="transfer",
            account_holder="X",
            iban=IBAN_OK,
        )
        try:
            services.payment_correct(actor=world.users["social_worker"], case=world.case, payment=p, **fields)
            print("CORRECT OK")
        except ValidationError as e:
            print("CORRECT REFUSED", e)
        p.refresh_from_db()
        try:
            services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
        except ValidationError as e:
            print("APPROVE REFUSED", e.messages)
        p.refresh_from_db()
        print("YEAR2", p.status, p.budget_year, list(Budget.objects.filter(fund=fund).values_list("year", "committed")))


def test_probe_statement_credit(world):
    p = request(world, amount="100.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    clerk = world.users["clerk"]
    services.statement_import(actor=clerk, agency_id=world.owner.pk, content=camt((p.voucher_number, "100.00", "DBIT")))
    # twice in one statement
    q = request(world, amount="20.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=q)
    services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    try:
        r = services.statement_import(
            actor=clerk,
            agency_id=world.owner.pk,
            content=camt((q.voucher_number, "20.00", "DBIT"), (q.voucher_number, "20.00", "DBIT")),
        )
        print("DOUBLE", r)
    except ValidationError as e:
        print("DOUBLE REFUSED", e.messages)
    bad = camt((q.voucher_number, "20.00", "DBIT")).replace(b"</Refs>", b"</Refs><Amt>x</Amt>")
    try:
        services.statement_import(actor=clerk, agency_id=world.owner.pk, content=bad)
    except Exception as e:  # noqa: BLE001
        print("BADAMT", type(e))
    bad = camt((q.voucher_number, "sNaN", "DBIT"))
    try:
        services.statement_import(actor=clerk, agency_id=world.owner.pk, content=bad)
    except Exception as e:  # noqa: BLE001
        print("SNAN", type(e))


def test_probe_admin_fund_move(client, world):
    from .conftest import confirmed_device, login

    admin = world.users["administrator"]
    login(client, admin, device=confirmed_device(admin))
    p = request(world, amount="100.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    q = request(world, amount="120.00")
    other = world.agencies["finance"]
    r = client.get(f"/verwaltung/payments/fund/{world.fund.pk}/change/")
    print("GET", r.status_code)
    data = {
        "agency": other.pk,
        "name": world.fund.name,
        "budget_line": "x",
        "per_payment_limit": "99999",
        "kinds": ["grant", "loan", "advance"],
        "active": "on",
        "cash_desk": "",
        "debtor_name": "Mallory",
        "debtor_iban": "DE02120300000000202051",
        "debtor_bic": "",
    }
    r = client.post(f"/verwaltung/payments/fund/{world.fund.pk}/change/", data)
    print("POST", r.status_code)
    world.fund.refresh_from_db()
    print("FUND", world.fund.agency_id == other.pk, world.fund.debtor_iban)
    from audit.models import AccessLogEntry

    print(
        list(
            AccessLogEntry.objects.filter(object_type__startswith="admin").values_list(
                "action", "object_type", "purpose"
            )
        )
    )
    print("JOURNAL", list(JournalEntry.objects.values_list("event", flat=True)))
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=q)
    print("APPROVED AGAINST MOVED FUND", Budget.objects.get(fund=world.fund).committed)
    try:
        services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    except Exception as e:  # noqa: BLE001
        print("EXPORT A", type(e).__name__)
    print(verification.run().findings)


def test_probe_forge(world):
    p = request(world, amount="100.00")
    sw, clerk = world.users["social_worker"], world.users["clerk"]
    with connection.cursor() as c:
        c.execute(
            "UPDATE payments_payment SET status='approved', decided_by_id=%s, decided_at=now(), version=2 WHERE id=%s",
            [clerk.pk, p.pk],
        )
        c.execute("UPDATE payments_budget SET committed = committed + 100 WHERE fund_id=%s", [world.fund.pk])
        c.execute(
            "INSERT INTO payments_journalentry (at, actor_id, event, fund_id, budget_year, payment_id, status_before,"
            " status_after, amount_before, amount_after, committed_after, paid_after, note)"
            " VALUES (now() - interval '1 hour', %s, 'approved', %s, %s, %s, 'requested', 'approved', 100, 100, 100, 0, '')",
            [clerk.pk, world.fund.pk, p.budget_year, p.pk],
        )
    print("FORGE", verification.run().findings)
    e = services.export_create(actor=clerk, fund=world.fund, format="sepa")
    print("FORGE EXPORT", e.count, sw.pk)


def test_probe_pdf_names(world):
    p = request(world, method="cash", payee_name="محمد الأحمد", account_holder="")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    e = services.export_create(actor=world.users["clerk"], fund=world.fund, format="cash")
    import re
    import zlib

    raw = bytes(e.content)
    texts = b"".join(zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S))
    print("PDF", b"????" in texts, texts[:0])


def _log(r):
    from audit.models import AccessLogEntry

    return list(
        AccessLogEntry.objects.filter(request_id=r["X-Request-ID"]).values_list(
            "action", "object_type", "outcome", "object_ids"
        )
    )


def test_probe_web_logs(client, world):
    from agencies.roles import Role

    from .conftest import login
    from .factories import member

    p = request(world, amount="100.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    login(client, world.users["clerk"])
    for url in (
        "/zahlungen/",
        "/zahlungen/budgets/",
        f"/zahlungen/exporte/{export.pk}/",
        f"/faelle/{world.case.pk}/finanzielle-hilfe/{p.pk}/",
        "/benachrichtigungen/",
    ):
        r = client.get(url)
        print("CLERK", url, r.status_code, _log(r))
    r = client.post(f"/faelle/{world.case.pk}/finanzielle-hilfe/{p.pk}/unbekannt/")
    print("SLUG", r.status_code, _log(r))
    pclerk = member(Role.CLERK, world.agencies["finance"], username="jc-clerk")
    client.logout()
    login(client, pclerk)
    for url in (
        f"/zahlungen/exporte/{export.pk}/",
        "/zahlungen/exporte/999999/",
        f"/faelle/{world.case.pk}/finanzielle-hilfe/{p.pk}/",
        f"/faelle/{world.case.pk}/finanzielle-hilfe/",
    ):
        r = client.get(url)
        print("PCLERK", url, r.status_code, _log(r))
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("s.xml", camt((p.voucher_number, "100.00", "DBIT")))
    r = client.post("/zahlungen/kontoauszug/", {"statement": f})
    p.refresh_from_db()
    print("PSTMT", r.status_code, p.status, _log(r))
    r = client.post(f"/faelle/{world.case.pk}/finanzielle-hilfe/{p.pk}/gezahlt/", {"gezahlt-paid_on": "2026-01-01"})
    print("PBOOK", r.status_code, _log(r))


def test_probe_moved_fund_exports(client, world):
    from agencies.roles import Role

    from .conftest import login
    from .factories import member
    p = request(world, amount="100.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=p)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    other = world.agencies["unrelated"]
    type(world.fund).objects.filter(pk=world.fund.pk).update(agency=other)  # what the admin form does
    oclerk = member(Role.CLERK, other, username="o-clerk")
    login(client, oclerk)
    r = client.get(f"/zahlungen/exporte/{export.pk}/")
    print("MOVED DL", r.status_code, b"Stadtwerke" in r.content, b"NH-" in r.content)
    r = client.get("/zahlungen/")
    print("MOVED Q", r.status_code, export.filename.encode() in r.content)


def test_probe_colleague_withdraw(client, world):
    from agencies.roles import Role

    from .conftest import login
    from .factories import member
    p = request(world, amount="100.00")
    sw2 = member(Role.SOCIAL_WORKER, world.owner, username="sw2")
    login(client, sw2)
    r = client.post(f"/faelle/{world.case.pk}/finanzielle-hilfe/{p.pk}/zurueckziehen/", {"version": p.version})
    p.refresh_from_db()
    print("WD", r.status_code, p.status, _log(r))
