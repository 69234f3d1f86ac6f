"""Financial help under load, on PostgreSQL: approvals per second with 8 concurrent approvers
on one fund (through the real service: access check, conditional budget update, journal,
timeline, access log, outbox), the same race against a budget that covers only half (exact
to the cent?), and the export of 10,000 approved transfers as one pain.001 file (time and
peak memory, schema validation included). Writes var/bench/payments.json.

    python -m bench.payments [--approvals 800] [--approvers 8] [--export 10000]

The requests themselves are written in bulk (the request service is not what is measured)."""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
import tracemalloc
from decimal import Decimal

from .common import bench_environment, prepare_database, write_result

DATABASE = "notlagen_bench_payments"
IBAN = "DE89370400440532013000"


def build(approvers: int):
    from accounts.models import User
    from agencies.models import Agency
    from agencies.roles import Role
    from agencies.services import membership_add
    from cases import services
    from payments.models import Budget, Fund

    owner = Agency.objects.create(name="Bench Hilfen in Notlagen (Zahlungen)", short_name="BENCH-Z")
    worker = User.objects.create_user("bench-pay-sw", first_name="Sina", last_name="Sozial")
    membership_add(user=worker, agency=owner, role=Role.SOCIAL_WORKER)
    clerks = []
    for i in range(approvers):
        clerk = User.objects.create_user(f"bench-pay-clerk{i}", first_name="Kim", last_name=f"Kasse{i}")
        membership_add(user=clerk, agency=owner, role=Role.CLERK)
        clerks.append(clerk)
    person = services.person_register(actor=worker, agency=owner, family_name="Muster", given_name="Mara")
    case = services.case_open(actor=worker, agency=owner, person=person, title="Bench")
    fund = Fund.objects.create(
        agency=owner,
        name="Bench-Fonds",
        budget_line="1.3.1",
        per_payment_limit=Decimal("1500"),
        kinds=["grant"],
        debtor_name="Stadt Bench",
        debtor_iban=IBAN,
    )
    budget = Budget.objects.create(fund=fund, year=2026, allocated=Decimal("0"))
    return worker, clerks, case, fund, budget


def bulk_requests(worker, case, fund, count: int, *, status: str, amount: str = "12.34") -> list[int]:
    from django.utils import timezone

    from payments.models import Payment

    rows = [
        Payment(
            case=case,
            fund=fund,
            budget_year=timezone.localdate().year,
            kind="grant",
            purpose="food",
            amount=Decimal(amount),
            justification="Bench",
            status=status,
            payee_is_person=False,
            payee_name=f"Empfänger Nr. {i} Müller & Söhne",
            method="transfer",
            account_holder=f"Empfänger Nr. {i} Müller & Söhne",
            iban=IBAN,
            bic="COBADEFFXXX",
            remittance=("Abschlag Straße Nr. 5 – Kundennummer 4711 " * 5)[:140],
            requested_by=worker,
        )
        for i in range(count)
    ]
    return [p.pk for p in Payment.objects.bulk_create(rows, batch_size=1000)]


def _approver(env: dict, username: str, case_id: int, share: list[int], barrier, results) -> None:
    """One approver in a process of its own, as in production (one gunicorn worker each)."""
    import os

    os.environ.update(env)
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from accounts.models import User
    from cases.models import Case
    from payments.services import payment_approve

    clerk, case = User.objects.get(username=username), Case.objects.get(pk=case_id)
    outcome = {"approved": 0, "refused": 0}
    barrier.wait()
    for payment_id in share:
        try:
            payment_approve(actor=clerk, case=case, payment=payment_id)
            outcome["approved"] += 1
        except ValidationError:
            outcome["refused"] += 1
    results.put(outcome)


def journal_as_approved(ids: list[int], actor) -> None:
    """Signed approval entries for bulk-written payments, as payment_approve writes them (the
    export refuses a payment whose journal does not name its payee and amount)."""
    from django.utils import timezone

    from payments import ledger
    from payments.models import JournalEntry, Payment

    entries = []
    for payment in Payment.objects.filter(pk__in=ids):
        entry = JournalEntry(
            at=timezone.now(),
            actor=actor,
            event=JournalEntry.Event.APPROVED,
            fund_id=payment.fund_id,
            budget_year=payment.budget_year,
            payment=payment,
            status_before="requested",
            status_after="approved",
            amount_before=payment.amount,
            amount_after=payment.amount,
            payee_digest=ledger.payee_digest(payment),
        )
        entries.append(ledger.sign(entry, ""))
    JournalEntry.objects.bulk_create(entries, batch_size=1000)


def race(env: dict, clerks, case, ids: list[int]) -> dict:
    """Each approver (a process) approves its share of `ids` at once; decisions per second over the race."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(clerks) + 1), context.Queue()
    shares = [ids[i :: len(clerks)] for i in range(len(clerks))]
    processes = [
        context.Process(target=_approver, args=(env, clerk.username, case.pk, share, barrier, results))
        for clerk, share in zip(clerks, shares, strict=True)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    outcomes = [results.get() for _ in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    total = {key: sum(o[key] for o in outcomes) for key in ("approved", "refused")}
    return {**total, "seconds": round(seconds, 3), "decisions_per_s": round(len(ids) / seconds, 1)}


def serial(clerk, case, ids: list[int]) -> float:
    """One approver alone: the cost of one approval without waiting for anyone."""
    from payments.models import Budget
    from payments.services import payment_approve

    Budget.objects.update(allocated=10**9)
    started = time.perf_counter()
    for payment_id in ids:
        payment_approve(actor=clerk, case=case, payment=payment_id)
    return round((time.perf_counter() - started) / len(ids) * 1000, 1)


def export(clerk, fund) -> dict:
    from payments.models import Export
    from payments.services import export_create

    started = time.perf_counter()
    created = export_create(actor=clerk, fund=fund, format=Export.Format.SEPA)
    seconds = time.perf_counter() - started
    return {"payments": created.count, "seconds": round(seconds, 2), "file_mb": round(len(created.content) / 1e6, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--approvals", type=int, default=800)
    parser.add_argument("--approvers", type=int, default=8)
    parser.add_argument("--export", type=int, default=10_000)
    args = parser.parse_args()
    env = bench_environment(DATABASE)
    prepare_database(env, fresh=True)
    from payments.models import Budget, Payment

    worker, clerks, case, fund, budget = build(args.approvers)
    amount = Decimal("12.34")

    # Warm-up (not reported): every approver process loads its code and caches once.
    Budget.objects.filter(pk=budget.pk).update(allocated=amount * 10**6)
    race(env, clerks, case, bulk_requests(worker, case, fund, 8 * args.approvers, status="requested"))
    Payment.objects.filter(status="approved").update(status="rejected")
    Budget.objects.filter(pk=budget.pk).update(committed=0, allocated=amount * args.approvals)
    covered = race(env, clerks, case, bulk_requests(worker, case, fund, args.approvals, status="requested"))

    half = args.approvals // 2
    budget.refresh_from_db()
    Budget.objects.filter(pk=budget.pk).update(allocated=budget.committed + amount * half)
    contended = race(env, clerks, case, bulk_requests(worker, case, fund, args.approvals, status="requested"))
    budget.refresh_from_db()
    contended["exact"] = contended["approved"] == half and budget.committed == budget.allocated
    covered["serial_ms_per_approval"] = serial(
        clerks[0], case, bulk_requests(worker, case, fund, 50, status="requested")
    )

    Payment.objects.filter(status="approved").update(status="rejected")  # only the bulk rows below export
    Budget.objects.filter(pk=budget.pk).update(committed=0, allocated=amount * args.export)
    journal_as_approved(bulk_requests(worker, case, fund, args.export, status="approved"), clerks[1])
    Budget.objects.filter(pk=budget.pk).update(committed=amount * args.export)
    timed = export(clerks[0], fund)
    Payment.objects.filter(export__isnull=False).update(status="approved", export=None)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    export(clerks[0], fund)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    timed["peak_python_heap_mb"] = round(peak / 1e6, 1)
    timed["max_rss_mb"] = round(max(rss_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1)
    write_result(
        "payments",
        {
            "approvers": args.approvers,
            "approvals_budget_covers_all": covered,
            "approvals_budget_covers_half": contended,
            "export_10k": timed,
        },
    )


if __name__ == "__main__":
    main()
