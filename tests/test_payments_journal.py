"""The books of financial help against someone who goes around the services: the journal is
append-only in the database itself, the budget and four-eyes rules are check constraints that
hold for raw SQL too, the admin sets budgets only within what is committed and paid, and a
correction is a new journal entry beside the old ones."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from payments import services
from payments.models import Budget, JournalEntry, Payment, Status

from .conftest import confirmed_device, login
from .payments_world import request, world_with_fund
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return world_with_fund(build_world())


@pytest.fixture
def journal(world):
    """A payment with a journal of two entries: requested, approved."""
    payment = request(world)
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
    entries = list(JournalEntry.objects.filter(payment=payment).order_by("id"))
    assert [e.event for e in entries] == ["requested", "approved"]
    return entries


def _raw(sql: str, params=()) -> None:
    """Run SQL in a savepoint of its own, so the test's transaction survives the error."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_journalentry SET note = 'geändert' WHERE id = %s",
        "UPDATE payments_journalentry SET amount_after = 1 WHERE id = %s",
        "DELETE FROM payments_journalentry WHERE id = %s",
        "DELETE FROM payments_journalentry WHERE id >= %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_the_journal(journal, sql):
    entry = journal[0]
    before = JournalEntry.objects.filter(pk=entry.pk).values().get()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(sql, [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk).values().get() == before
    assert JournalEntry.objects.exclude(payment=None).count() == len(journal)


def test_the_orm_cannot_change_or_delete_the_journal(journal):
    entry = journal[-1]
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(note="geändert")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.note = "geändert"
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.get(pk=entry.pk).delete()
    assert JournalEntry.objects.get(pk=entry.pk).note == ""
    assert JournalEntry.objects.exclude(payment=None).count() == len(journal)


def test_raw_sql_cannot_overdraw_a_budget(world, journal):
    budget = Budget.objects.get(fund=world.fund)
    assert budget.committed == Decimal("250.00")
    for sql in (
        "UPDATE payments_budget SET committed = allocated + 1 WHERE id = %s",
        "UPDATE payments_budget SET paid = allocated WHERE id = %s",  # with 250 committed: over
        "UPDATE payments_budget SET allocated = committed + paid - 0.01 WHERE id = %s",
        "UPDATE payments_budget SET committed = -1 WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="budget_"):
            _raw(sql, [budget.pk])
    assert Budget.objects.get(pk=budget.pk).committed == Decimal("250.00")


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("UPDATE payments_payment SET decided_by_id = requested_by_id WHERE id = %s", "payment_four_eyes"),
        ("UPDATE payments_payment SET amount = 0 WHERE id = %s", "payment_amount_positive"),
        ("UPDATE payments_payment SET amount = -10 WHERE id = %s", "payment_amount_positive"),
        (
            "UPDATE payments_payment SET write_off_requested_by_id = requested_by_id, "
            "write_off_approved_by_id = requested_by_id WHERE id = %s",
            "payment_write_off_four_eyes",
        ),
    ],
)
def test_raw_sql_cannot_break_the_rules_of_a_payment(world, sql, constraint):
    payment = request(world)
    before = Payment.objects.filter(pk=payment.pk).values().get()
    with pytest.raises(IntegrityError, match=constraint):
        _raw(sql, [payment.pk])
    assert Payment.objects.filter(pk=payment.pk).values().get() == before


def test_raw_sql_cannot_insert_a_payment_of_nothing(world):
    payment = request(world)
    columns = [f.column for f in Payment._meta.concrete_fields if f.column not in ("id", "amount")]
    names = ", ".join(columns)  # the model's own column names, no input
    copy = f"INSERT INTO payments_payment ({names}, amount) SELECT {names}, 0 FROM payments_payment WHERE id = %s"  # noqa: S608
    with pytest.raises(IntegrityError, match="payment_amount_positive"):
        _raw(copy, [payment.pk])
    assert Payment.objects.count() == 1


# --- the admin: budgets ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client, world):
    user = world.users["administrator"]
    assert user.is_staff
    login(client, user, device=confirmed_device(user))
    return client


def test_the_admin_adds_a_budget_and_journals_it(admin_client, world):
    year = timezone.localdate().year + 1
    response = admin_client.post(
        "/verwaltung/payments/budget/add/", {"fund": world.fund.pk, "year": year, "allocated": "12000.00"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    budget = Budget.objects.get(fund=world.fund, year=year)
    assert (budget.allocated, budget.committed, budget.paid) == (Decimal("12000.00"), 0, 0)
    entry = JournalEntry.objects.filter(event=JournalEntry.Event.BUDGET_ALLOCATED).latest("id")
    assert (entry.actor, entry.fund_id, entry.budget_year) == (world.users["administrator"], world.fund.pk, year)
    assert (entry.amount_before, entry.amount_after, entry.payment) == (None, Decimal("12000.00"), None)


def test_the_admin_cannot_lower_a_budget_below_what_it_holds(admin_client, world):
    budget = Budget.objects.get(fund=world.fund)
    payment = request(world, amount="300.00")
    services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
    url = f"/verwaltung/payments/budget/{budget.pk}/change/"
    response = admin_client.post(url, {"allocated": "299.99"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["allocated"], errors
    assert Budget.objects.get(pk=budget.pk).allocated == Decimal("5000.00")
    assert JournalEntry.objects.filter(event=JournalEntry.Event.BUDGET_ALLOCATED).count() == 1  # the first
    # Down to exactly what is committed is fine, and journaled with the amount before.
    response = admin_client.post(url, {"allocated": "300.00"})
    assert response.status_code == 302
    entry = JournalEntry.objects.filter(event=JournalEntry.Event.BUDGET_ALLOCATED).latest("id")
    assert (entry.amount_before, entry.amount_after, entry.committed_after) == (
        Decimal("5000.00"),
        Decimal("300.00"),
        Decimal("300.00"),
    )


def test_the_admin_offers_no_delete(admin_client, world):
    budget = Budget.objects.get(fund=world.fund)
    for url in (
        f"/verwaltung/payments/budget/{budget.pk}/delete/",
        f"/verwaltung/payments/fund/{world.fund.pk}/delete/",
    ):
        assert admin_client.get(url).status_code in (403, 404)
        assert admin_client.post(url, {"post": "yes"}).status_code in (403, 404)
    changelist = admin_client.post(
        "/verwaltung/payments/budget/", {"action": "delete_selected", "_selected_action": [budget.pk]}
    )
    assert changelist.status_code in (200, 302, 403, 404)
    assert Budget.objects.filter(pk=budget.pk).exists()
    assert b"delete_selected" not in admin_client.get("/verwaltung/payments/budget/").content


# --- corrections ----------------------------------------------------------------------------


def test_a_correction_is_a_new_entry_beside_the_old_ones(world):
    payment = request(world)
    services.payment_return(actor=world.users["clerk"], case=world.case, payment=payment, reason="IBAN prüfen")
    old = list(JournalEntry.objects.filter(payment=payment).order_by("id").values())
    assert [e["event"] for e in old] == ["requested", "returned"]
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
    }
    services.payment_correct(
        actor=world.users["social_worker"], case=world.case, payment=payment, version=payment.version, **fields
    )
    now = list(JournalEntry.objects.filter(payment=payment).order_by("id").values())
    assert now[: len(old)] == old, "the entries before the correction are unchanged"
    assert len(now) == len(old) + 1
    new = now[-1]
    assert (new["event"], new["status_before"], new["status_after"]) == ("corrected", "returned", "requested")
    assert (new["amount_before"], new["amount_after"]) == (Decimal("250.00"), Decimal("260.00"))
    assert new["actor_id"] == world.users["social_worker"].pk
    payment.refresh_from_db()
    assert (payment.status, payment.amount, payment.method) == (Status.REQUESTED, Decimal("260.00"), "cash")
