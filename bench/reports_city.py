"""The quarterly committee report of the whole city on a synthetic city (default 1,000,000 cases
over three years, 20 agencies, 40 districts; with first conversations, life areas, referrals,
payments and conferences), with and without the cache:

  (a) computed: reports.figures.compute for the city and the last complete quarter (what the
      Celery job runs: every section, suppression included);
  (b) from the cache: asking for the same report again (reports.services.report_request finds
      the stored figures) and building its sections with their SVG charts for the page;
  (c) one agency's quarter (computed while the page loads).

Writes var/bench/reports_city_<cases>.json.

    python -m bench.reports_city [--cases 1000000] [--rebuild] [--repeat 3]

The city is written with COPY (the services are not what is measured) into a database of its
own (notlagen_bench_reports_<cases>) and kept for the next run."""

from __future__ import annotations

import argparse
import io
import json
import random
import time
from datetime import timedelta
from decimal import Decimal

from .common import bench_environment, measure, prepare_database, write_result

AGENCIES = 20
DISTRICTS = 40
YEARS = 3


def _text(field, value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_model(cursor, model, rows) -> int:
    """COPY dicts into the model's table; a field not given takes its default (now for a
    timestamp that Django sets itself)."""
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.name == "id"]
    given = None
    buffer, count = io.StringIO(), 0
    for row in rows:
        if given is None:
            given = [f for f in fields if f.attname in row or f.name in row or (not f.primary_key)]
        values = []
        for field in given:
            if field.attname in row:
                value = row[field.attname]
            elif field.name in row:
                value = row[field.name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            values.append(_text(field, value))
        buffer.write("\t".join(values) + "\n")
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    columns = ", ".join(f'"{field.column}"' for field in given)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return count


def _reference_data():
    from accounts.models import User
    from agencies.models import Agency, District
    from agencies.roles import Role
    from agencies.services import membership_add
    from cases.models import Statute
    from payments.models import Export, Fund
    from referrals.models import Offer, Provider
    from referrals.vocabulary import Category

    agencies = [
        Agency.objects.create(name=f"Bench-Stelle {i:02d}", kind="city_office", municipality="Benchstadt")
        for i in range(AGENCIES)
    ]
    lead = User.objects.create_user("bench-report-lead", first_name="Tara", last_name="Leitung")
    membership_add(user=lead, agency=agencies[0], role=Role.TEAM_LEAD)
    districts = [District.objects.create(municipality="Benchstadt", name=f"Bezirk {i:02d}") for i in range(DISTRICTS)]
    statute = Statute.objects.create(code="§ 69 Abs. 1 Nr. 1 SGB X (Bench)", title="Soziale Aufgaben")
    provider = Provider.objects.create(name="Bench-Beratung")
    offers = [Offer.objects.create(provider=provider, name=f"Angebot {c}", category=c) for c in Category.values]
    for offer in offers:
        offer.districts.add(*districts[:10])
    funds, exports = [], []
    for agency in agencies:
        fund = Fund.objects.create(
            agency=agency,
            name=f"Fonds {agency.name}",
            budget_line="1.3.1",
            per_payment_limit=Decimal("1500"),
            kinds=["grant", "loan"],
            debtor_name="Benchstadt",
            debtor_iban="DE89370400440532013000",
        )
        funds.append(fund)
        exports.append(Export.objects.create(fund=fund, format="sepa", created_by=lead, content=b"", filename="b"))
    return agencies, lead, districts, statute, offers, funds, exports


def build_city(cases: int, seed: int = 16) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(seed)
    now = timezone.now()
    print(f"building a synthetic city with {cases:,} cases for the reports ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        reference = _reference_data()
        with connection.cursor() as cursor:
            _write_rows(cursor.cursor, rng, now, cases, *reference)
            for table in ("cases_person", "cases_case"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {cases + 1})")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def _write_rows(raw, rng, now, cases, agencies, lead, districts, statute, offers, funds, exports) -> None:
    from cases.models import Case, Person
    from casework.models import Intake, LifeAreaStatus
    from conferences.models import Conference
    from payments.models import Payment
    from referrals.models.referral import Referral

    span = YEARS * 365 * 86400
    created = [now - timedelta(seconds=rng.randrange(span)) for _ in range(cases)]
    owner = [rng.randrange(AGENCIES) for _ in range(cases)]
    genders = ["female", "male", "diverse", "none", ""]
    bands = ["u18", "18-26", "27-44", "45-64", "65+", ""]
    copy_model(
        raw,
        Person,
        (
            {
                "id": i + 1,
                "family_name": f"N{i}",
                "gender": rng.choice(genders),
                "owner_agency_id": agencies[owner[i]].pk,
                "created_at": created[i],
                "updated_at": created[i],
            }
            for i in range(cases)
        ),
    )  # noqa: E501
    print("  persons", flush=True)

    def case(i):
        closed = created[i] + timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.6 else None
        closed = closed if closed and closed < now else None
        return {
            "id": i + 1,
            "reference": f"R-{i:07d}",
            "person_id": i + 1,
            "owner_agency_id": agencies[owner[i]].pk,
            "title": "Anlass",
            "district_id": None if rng.random() < 0.05 else districts[rng.randrange(DISTRICTS)].pk,
            "status": "closed" if closed else "open",
            "age_band": rng.choice(bands),
            "closed_at": closed,
            "created_at": created[i],
            "updated_at": created[i],
        }

    copy_model(raw, Case, (case(i) for i in range(cases)))
    print("  cases", flush=True)
    with_intake = [i for i in range(cases) if rng.random() < 0.7]
    copy_model(
        raw,
        Intake,
        (
            {
                "case_id": i + 1,
                "contact_channel": "walk_in",
                "status": "completed",
                "started_by_id": lead.pk,
                "started_at": created[i],
                "completed_at": created[i] + timedelta(hours=rng.randrange(1, 24 * 30)),
            }
            for i in with_intake
        ),
    )  # noqa: E501
    areas = ["housing", "income", "debts", "residence", "health", "safety", "work", "children", "language"]
    needs = ["none", "support", "urgent", "unclear"]
    copy_model(
        raw,
        LifeAreaStatus,
        (
            {"case_id": i + 1, "area": area, "category": "general", "need": rng.choice(needs), "updated_at": created[i]}
            for i in with_intake
            for area in rng.sample(areas, 2)
        ),
    )  # noqa: E501
    print("  first conversations and life areas", flush=True)
    outcomes = ["successful", "successful", "person_declined", "no_capacity", "other", ""]

    def referral(i):
        outcome = rng.choice(outcomes)
        sent = created[i] + timedelta(days=rng.randrange(0, 20))
        return {
            "case_id": i + 1,
            "offer_id": rng.choice(offers).pk,
            "referring_agency_id": agencies[owner[i]].pk,
            "created_by_id": lead.pk,
            "purpose": "Bench",
            "scope": "basic",
            "status": "completed" if outcome else "sent",
            "outcome": outcome,
            "statute_id": statute.pk,
            "sent_at": sent,
            "respond_by": sent.date() + timedelta(days=10),
            "created_at": sent,
            "updated_at": sent,
        }  # noqa: E501

    copy_model(raw, Referral, (referral(i) for i in range(cases) if rng.random() < 0.2))
    kinds, purposes = (
        ["grant", "grant", "loan", "advance"],
        ["living", "food", "arrears", "shelter", "travel", "clothing"],
    )

    def payment(i):
        fund = owner[i]
        return {
            "case_id": i + 1,
            "fund_id": funds[fund].pk,
            "budget_year": created[i].year,
            "kind": rng.choice(kinds),
            "purpose": rng.choice(purposes),
            "amount": Decimal(rng.randrange(1000, 150000)) / 100,
            "justification": "Bench",
            "status": "paid",
            "payee_name": "Bench",
            "method": "transfer",
            "iban": "DE89370400440532013000",
            "requested_by_id": lead.pk,
            "requested_at": created[i],
            "export_id": exports[fund].pk,
            "paid_on": (created[i] + timedelta(days=rng.randrange(1, 14))).date(),
        }  # noqa: E501

    copy_model(raw, Payment, (payment(i) for i in range(cases) if rng.random() < 0.1))
    print("  referrals and payments", flush=True)

    def conference(i):
        starts = created[i] + timedelta(days=rng.randrange(5, 60))
        return {
            "case_id": i + 1,
            "convening_agency_id": agencies[owner[i]].pk,
            "title": "Fallkonferenz",
            "purpose": "Bench",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1),
            "status": "held" if starts < now else "planned",
            "created_by_id": lead.pk,
            "created_at": created[i],
        }  # noqa: E501

    copy_model(raw, Conference, (conference(i) for i in range(cases) if rng.random() < 0.02))
    print("  conferences", flush=True)


def run(repeat: int) -> dict:
    from accounts.models import User
    from reports import figures, presenting, services
    from reports.models import Report
    from reports.periods import last_complete_quarter, minimum_count
    from reports.scopes import scopes_for

    lead = User.objects.get(username="bench-report-lead")
    period = last_complete_quarter()
    scopes = scopes_for(lead)
    city = next(scope for scope in scopes if scope.is_city)
    desk = next(scope for scope in scopes if not scope.is_city)
    Report.objects.all().delete()
    computed = measure(
        lambda: figures.compute(actor=lead, scope=None, period=period, minimum=minimum_count()), repeat=repeat, warmup=1
    )
    agency = measure(
        lambda: figures.compute(actor=lead, scope=desk.agency, period=period, minimum=minimum_count()),
        repeat=repeat,
        warmup=1,
    )
    report = services.report_request(actor=lead, period=period, scope=city)  # queued (on_commit outside a request)
    services.compute(report=report, actor=lead)

    def cached():
        found = services.report_request(actor=lead, period=period, scope=city)
        assert found.status == Report.Status.DONE
        presenting.sections(found.result)

    from_cache = measure(cached, repeat=max(repeat * 10, 20), warmup=2)
    report.refresh_from_db()
    return {
        "period": f"{period.first}..{period.last}",
        "city_computed": computed,
        "city_from_cache": from_cache,
        "agency_computed": agency,
        "cached_over_computed_p50": round(from_cache["p50_ms"] / computed["p50_ms"], 5),
        "sections": [section["key"] for section in report.result["sections"]],
        "job_ms": report.computed_in_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the synthetic city")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    env = bench_environment(f"notlagen_bench_reports_{args.cases}")
    prepare_database(env, fresh=args.rebuild)
    from cases.models import Case

    if Case.objects.count() != args.cases:
        prepare_database(env, fresh=True)
        build_city(args.cases)
    figures = run(args.repeat)
    write_result(f"reports_city_{args.cases}", {"cases": args.cases, "agencies": AGENCIES, **figures})
    computed, cached, agency = (figures[k]["p50_ms"] for k in ("city_computed", "city_from_cache", "agency_computed"))
    print(f"city quarter computed p50 {computed:.0f} ms | from the cache {cached:.1f} ms | one agency {agency:.0f} ms")


if __name__ == "__main__":
    main()
