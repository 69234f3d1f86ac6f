"""Financial help end to end through the services: request, four eyes, export, booking,
loans and advances, and the journal beside every step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.errors import NotFound
from payments import services, verification
from payments.models import Budget, Export, JournalEntry, Status

from .payments_world import request, second_clerk, world_with_fund
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return world_with_fund(build_world())


def _budget(world) -> Budget:
    return Budget.objects.get(fund=world.fund)


def test_request_approve_export_book(world):
    payment = request(world)
    assert payment.status == Status.REQUESTED and payment.bic == "COBADEFFXXX"
    clerk = world.users["clerk"]
    services.payment_approve(actor=clerk, case=world.case, payment=payment)
    budget = _budget(world)
    assert (budget.committed, budget.paid) == (Decimal("250.00"), Decimal("0.00"))
    export = services.export_create(actor=clerk, fund=world.fund, format=Export.Format.SEPA)
    assert export.count == 1 and export.total == Decimal("250.00")
    assert b"pain.001.001.09" in bytes(export.content)
    payment.refresh_from_db()
    services.payment_book_paid(
        actor=clerk, case=world.case, payment=payment, paid_on=timezone.localdate(), bank_reference="KTO-1"
    )
    budget = _budget(world)
    assert (budget.committed, budget.paid) == (Decimal("0.00"), Decimal("250.00"))
    events = list(JournalEntry.objects.filter(payment=payment).values_list("event", flat=True))
    assert events == ["requested", "approved", "exported", "paid"]
    assert verification.run().ok


def test_the_requester_never_approves(world):
    payment = request(world, world.users["clerk"])
    with pytest.raises(ValidationError):
        services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
    services.payment_approve(actor=second_clerk(world), case=world.case, payment=payment)


def test_above_the_threshold_only_a_team_lead_approves(world, settings):
    settings.PAYMENTS_TEAM_LEAD_ABOVE = 1000
    payment = request(world, amount="1200.00")
    with pytest.raises(ValidationError, match="Teamleitung"):
        services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
    services.payment_approve(actor=world.users["team_lead"], case=world.case, payment=payment)


def test_a_partner_with_finance_reads_but_cannot_write(world):
    with pytest.raises(NotFound):
        request(world, world.users["grantee_finance"])
    payment = request(world)
    with pytest.raises(NotFound):
        services.payment_approve(actor=world.users["grantee_finance"], case=world.case, payment=payment)


def test_loan_instalments_and_write_off(world):
    payment = request(world, kind="loan", amount="300.00")
    clerk, lead = world.users["clerk"], world.users["team_lead"]
    services.payment_approve(actor=clerk, case=world.case, payment=payment)
    services.export_create(actor=clerk, fund=world.fund, format=Export.Format.SEPA)
    services.payment_book_paid(actor=clerk, case=world.case, payment=payment, paid_on=timezone.localdate())
    services.loan_repayment_record(
        actor=clerk, case=world.case, payment=payment, amount=Decimal("50.00"), received_on=timezone.localdate()
    )
    payment.refresh_from_db()
    assert payment.outstanding == Decimal("250.00")
    services.loan_write_off_request(actor=clerk, case=world.case, payment=payment, reason="Insolvenzverfahren")
    with pytest.raises(NotFound):
        services.loan_write_off_approve(actor=second_clerk(world), case=world.case, payment=payment)
    services.loan_write_off_approve(actor=lead, case=world.case, payment=payment)
    payment.refresh_from_db()
    assert payment.outstanding == Decimal("0.00") and payment.written_off == Decimal("250.00")
    assert verification.run().findings == []


def test_cash_voucher_export(world):
    payment = request(world, method="cash", kind="advance", amount="1234.50")
    services.payment_approve(actor=world.users["team_lead"], case=world.case, payment=payment)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.CASH)
    assert bytes(export.content).startswith(b"%PDF")
    payment.refresh_from_db()
    services.payment_book_paid(
        actor=world.users["clerk"], case=world.case, payment=payment, paid_on=timezone.localdate()
    )
    services.advance_claim_set(actor=world.users["clerk"], case=world.case, payment=payment, claim_state="claimed")


def test_budget_cannot_be_overdrawn(world):
    Budget.objects.filter(fund=world.fund).update(allocated=Decimal("400.00"))
    first, second = request(world, amount="300.00"), request(world, amount="100.01")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=first)
    with pytest.raises(ValidationError, match="Budget"):
        services.payment_approve(actor=world.users["clerk"], case=world.case, payment=second)
    assert _budget(world).committed == Decimal("300.00")


def test_returned_then_corrected(world):
    payment = request(world)
    services.payment_return(actor=world.users["clerk"], case=world.case, payment=payment, reason="IBAN prüfen")
    payment.refresh_from_db()
    fields = {
        "fund": world.fund,
        "kind": "grant",
        "purpose": "arrears",
        "amount": Decimal("260.00"),
        "justification": "korrigiert",
        "payee_is_person": True,
        "payee_name": "",
        "method": "cash",
        "account_holder": "",
        "iban": "",
        "remittance": "",
        "instalment": None,
        "first_instalment_on": None,
        "benefit_agency": "",
        "benefit_reference": "",
    }
    services.payment_correct(
        actor=world.users["social_worker"], case=world.case, payment=payment, version=payment.version, **fields
    )
    payment.refresh_from_db()
    assert payment.status == Status.REQUESTED and payment.amount == Decimal("260.00") and payment.iban == ""
    entry = JournalEntry.objects.get(payment=payment, event="corrected")
    assert (entry.amount_before, entry.amount_after) == (Decimal("250.00"), Decimal("260.00"))
    _ = timedelta
