"""Financial help under real concurrency on PostgreSQL: approvals racing for the last money of
a budget, and two exports of the same fund at once. Every thread has its own connection; the
barrier starts them together, but nothing here depends on how the server schedules them."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils import translation

from agencies.roles import Role
from payments import services
from payments.models import Budget, Export, Fund, JournalEntry, Payment, Status

from .factories import member
from .payments_world import fund_for, request
from .world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 8
COVERED = 3
BARRIER_TIMEOUT = 60  # generous: a busy shared server may be slow to hand out connections


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.fund = fund_for(world.owner, allocated="300.00", limit="1500.00")
    return world


def _race(work: list) -> list:
    """Run each callable of `work` in its own thread, all released at once by a barrier.
    Returns, per callable, ("ok", result) or ("error", exception)."""
    barrier = threading.Barrier(len(work), timeout=BARRIER_TIMEOUT)
    outcomes: list = [None] * len(work)

    def run(index, call):
        try:
            connection.ensure_connection()  # connect before the start, not in the race
            with translation.override("en"):
                barrier.wait()
                outcomes[index] = ("ok", call())
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return outcomes


def _approvers(world, count: int) -> list:
    return [member(Role.CLERK, world.owner, username=f"approver{i}") for i in range(count)]


def test_racing_approvals_never_overdraw_the_budget(world):
    requester = world.users["social_worker"]
    payments = [request(world, requester, amount="100.00", fund=world.fund) for _ in range(REQUESTS)]
    approvers = _approvers(world, REQUESTS)
    assert requester not in approvers
    case_id = world.case.pk

    def approve(actor, payment_id):
        return lambda: services.payment_approve(actor=actor, case=case_id, payment=payment_id)

    outcomes = _race([approve(a, p.pk) for a, p in zip(approvers, payments, strict=True)])

    unexpected = [o[1] for o in outcomes if o[0] == "error" and not isinstance(o[1], ValidationError)]
    assert not unexpected, f"only ValidationError may refuse an approval: {unexpected!r}"
    approved = [o for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "error"]
    assert (len(approved), len(refused)) == (COVERED, REQUESTS - COVERED)
    for error in refused:
        assert "budget" in " ".join(error.messages), error.messages

    budget = Budget.objects.get(fund=world.fund)
    assert budget.committed == Decimal("300.00")
    assert budget.paid == Decimal("0.00")
    assert budget.allocated >= budget.committed + budget.paid
    statuses = dict(
        Payment.objects.filter(fund=world.fund).values_list("status").annotate(n=Count("id")).order_by("status")
    )
    assert statuses == {Status.APPROVED: COVERED, Status.REQUESTED: REQUESTS - COVERED}
    # Each approval read the budget under its own row lock: 100, 200, 300, never twice the same.
    after = sorted(JournalEntry.objects.filter(event="approved").values_list("committed_after", flat=True))
    assert after == [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]
    _the_check_constraint_holds(budget)


def _the_check_constraint_holds(budget: Budget) -> None:
    """The constraint is in the database, validated, and refuses to commit a cent more."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT convalidated FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass",
            ["budget_never_overdrawn", Budget._meta.db_table],
        )
        assert cursor.fetchall() == [(True,)]
    with pytest.raises(IntegrityError, match="budget_never_overdrawn"), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(committed=F("committed") + Decimal("0.01"))
    budget.refresh_from_db()
    assert budget.committed == Decimal("300.00")


def test_two_exports_at_once_take_each_payment_once(world):
    Budget.objects.filter(fund=world.fund).update(allocated=Decimal("5000.00"))
    approver = world.users["clerk"]
    amounts = ["100.00", "250.50", "80.00", "999.99", "12.34", "400.00"]
    for amount in amounts:
        payment = request(world, amount=amount, fund=world.fund)
        services.payment_approve(actor=approver, case=world.case, payment=payment)
    exporters = [world.users["clerk"], world.users["team_lead"]]
    fund_id = world.fund.pk

    def export(actor):
        def call():
            return services.export_create(actor=actor, fund=Fund.objects.get(pk=fund_id), format="sepa")

        return call

    outcomes = _race([export(actor) for actor in exporters])

    unexpected = [o[1] for o in outcomes if o[0] == "error" and not isinstance(o[1], ValidationError)]
    assert not unexpected, f"only ValidationError may refuse an export: {unexpected!r}"
    made = [o[1] for o in outcomes if o[0] == "ok"]
    assert made, "at least one export must go through"
    for error in (o[1] for o in outcomes if o[0] == "error"):
        assert "nothing to export" in " ".join(error.messages), error.messages
    _each_payment_exported_once(world, amounts, made)


def _each_payment_exported_once(world, amounts: list, made: list) -> None:
    exports = list(Export.objects.filter(fund=world.fund))
    assert sorted(e.pk for e in exports) == sorted(e.pk for e in made)
    payments = list(Payment.objects.filter(fund=world.fund))
    assert len(payments) == len(amounts)
    assert all(p.status == Status.EXPORTED and p.export_id is not None for p in payments)
    assert sum(e.count for e in exports) == len(payments)
    assert sum(e.total for e in exports) == sum(Decimal(a) for a in amounts)
    for export in exports:
        members = [p for p in payments if p.export_id == export.pk]
        assert export.count == len(members) and export.total == sum(p.amount for p in members)
        assert bytes(export.content).count(b"<EndToEndId>") == len(members)
    journal = JournalEntry.objects.filter(event="exported").values("payment_id", "export_id")
    assert sorted((j["payment_id"], j["export_id"]) for j in journal) == sorted((p.pk, p.export_id) for p in payments)
    assert Payment.objects.filter(fund=world.fund).aggregate(s=Sum("amount"))["s"] == sum(e.total for e in exports)
