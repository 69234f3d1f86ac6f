"""The daily check that payments and budgets agree with the append-only journal: what someone
with write access to the tables changes behind the services' back is named."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from payments import services, verification
from payments.models import Export
from payments.tasks import verify_payment_journal

from .payments_world import fund_for, request
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = build_world()
    world.fund = fund_for(world.owner)
    clerk = world.users["clerk"]
    world.paid = request(world, amount="100.00")
    world.approved = request(world, amount="40.00", method="cash")
    services.payment_approve(actor=clerk, case=world.case, payment=world.paid)
    services.export_create(actor=clerk, fund=world.fund, format=Export.Format.SEPA)
    services.payment_book_paid(actor=clerk, case=world.case, payment=world.paid, paid_on=timezone.localdate())
    services.payment_approve(actor=clerk, case=world.case, payment=world.approved)
    return world


def test_the_services_leave_everything_in_agreement(world):
    result = verification.run()
    assert result.ok, result.findings
    assert result.payments_checked == 2 and result.budgets_checked == 1
    call_command("verify_payment_journal")


def test_a_payment_changed_in_the_table_is_named(world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payments_payment SET amount = 400 WHERE id = %s", [world.paid.pk])
    result = verification.run()
    assert f"payment {world.paid.pk}: amount, payee differ from the journal" in result.findings
    with pytest.raises(CommandError):
        call_command("verify_payment_journal")


def test_a_budget_changed_in_the_table_is_named_and_the_auditors_alerted(world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payments_budget SET committed = 0 WHERE fund_id = %s", [world.fund.pk])
    result = verification.run()
    assert any("differ from its payments" in f for f in result.findings)
    assert any("differ from the journal" in f for f in result.findings)
    assert verify_payment_journal() is False
    assert Notification.objects.filter(
        kind="audit.payment_journal", recipient=world.users["auditor"], channel="in_app"
    ).exists()


def test_a_forged_journal_entry_is_not_authentic(world):
    """Someone with write access raises a payment and inserts a matching journal entry: the
    entry carries no valid MAC (the key is not in the database)."""
    payment = world.approved
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payments_payment SET amount = 900 WHERE id = %s", [payment.pk])
        cursor.execute(
            "INSERT INTO payments_journalentry (at, actor_id, event, fund_id, budget_year, payment_id, status_before,"
            " status_after, amount_before, amount_after, note, key_id, mac)"
            " VALUES (now(), %s, 'corrected', %s, %s, %s, 'approved', 'approved', 40, 900, '', 'k', %s)",
            [world.users["clerk"].pk, world.fund.pk, payment.budget_year, payment.pk, "0" * 64],
        )
    findings = verification.run().findings
    assert any(f.endswith("not authentic (changed, inserted or out of its chain)") for f in findings), findings
