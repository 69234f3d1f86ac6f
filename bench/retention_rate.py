"""The retention job's rate on PostgreSQL: N cases closed eight years ago (city offices, so the
proposed six-year case-file rule is due), each with its person, a general and a health note, a
first conversation and two life areas; all rules confirmed. Times job.run() — preview, the real
run in batches (each its own transaction, marks, access-log entry), the end — and reports cases
and rows anonymised per second (the preview's own share is timed separately too). Fails
(exit 1) if it anonymised nothing or left a name behind.
Writes var/bench/retention_rate.json.

    python -m bench.retention_rate [--cases 100000] [--batch 1000]

The synthetic cases are written with COPY (building them is not what is measured)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta

from .common import bench_environment, prepare_database, write_result
from .visible_cases import _copy

DATABASE = "notlagen_bench_retention"
AGENCIES = 10


def build(cases: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from agencies.models import Agency
    from retention.models import RetentionRule

    now = timezone.now()
    print(f"building {cases:,} expired cases ...", flush=True)
    with transaction.atomic():
        names = [f"Bench-Sozialamt {i}" for i in range(AGENCIES)]
        agencies = Agency.objects.bulk_create(
            [Agency(name=name, kind="city_office", municipality="Benchstadt") for name in names]
        )
        author = User.objects.create_user("bench-retention", last_name="Bench")
        owners = [agency.pk for agency in agencies]
        with connection.cursor() as cursor:
            _copy_cases(cursor.cursor, cases, owners, now)
            _copy_records(cursor.cursor, cases, owners, author.pk, now - timedelta(days=8 * 365))
            for table in ("cases_person", "cases_case"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {cases + 1})")
        RetentionRule.objects.update(confirmed_by=author, confirmed_at=now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _copy_cases(raw, cases: int, owners: list[int], now) -> None:
    """Persons and their cases, closed eight years ago."""
    closed = now - timedelta(days=8 * 365)
    ids = range(1, cases + 1)
    person_cols = ["id", "given_name", "family_name", "alias", "birth_date", "gender", "family_phonetic"]
    person_cols += ["given_phonetic", "owner_agency_id", "created_at", "updated_at"]
    persons = (
        (i, "Vorname", f"Name{i}", "", "1980-05-01", "female", "6", "", owners[i % AGENCIES], now, now) for i in ids
    )
    _copy(raw, "cases_person", person_cols, persons)
    case_cols = ["id", "reference", "person_id", "owner_agency_id", "title", "summary", "status", "age_band"]
    case_cols += ["closed_reason", "closed_at", "version", "created_at", "updated_at"]
    rows = (
        (i, f"R-{i:07d}", i, owners[i % AGENCIES], "Mietschulden", "Zusammenfassung", "closed")
        + ("27-44", "erledigt", closed, 2, closed, closed)
        for i in ids
    )
    _copy(raw, "cases_case", case_cols, rows)


def _copy_records(raw, cases: int, owners: list[int], author_id: int, closed) -> None:
    """Per case: a general and a health note, a first conversation, two life areas."""
    ids = range(1, cases + 1)
    note_cols = ["case_id", "category", "text", "contact_channel", "author_id", "author_agency_id", "created_at"]
    notes = (
        (i, category, f"Notiz {category} zu Fall {i}", "", author_id, owners[i % AGENCIES], closed)
        for i in ids
        for category in ("general", "health")
    )
    _copy(raw, "cases_casenote", note_cols, notes)
    intake_cols = ["case_id", "contact_channel", "urgency", "immediate_help", "next_steps", "status", "draft"]
    intake_cols += ["last_step", "started_by_id", "started_at"]
    intakes = ((i, "walk_in", "normal", "Gutschein", "Termin", "completed", "{}", "", author_id, closed) for i in ids)
    _copy(raw, "casework_intake", intake_cols, intakes)
    area_cols = ["case_id", "area", "category", "need", "situation", "flag", "note", "updated_at"]
    areas = (
        (i, area, category, "urgent", "", "false", f"Notiz {area}", closed)
        for i in ids
        for area, category in (("housing", "general"), ("health", "health"))
    )
    _copy(raw, "casework_lifeareastatus", area_cols, areas)


def measure(cases: int, batch: int) -> dict:
    from django.utils import timezone

    from cases.models import Case, CaseNote, Person
    from retention import job
    from retention.models import RetentionRule
    from retention.preview import build_preview

    # The preview alone (read-only; the run below builds it again as its first step).
    started = time.perf_counter()
    build_preview(rules=list(RetentionRule.objects.all()), as_of=timezone.now())
    preview_seconds = time.perf_counter() - started
    started = time.perf_counter()
    run = job.run(batch_size=batch)
    seconds = time.perf_counter() - started
    counts = dict(run.counts)
    rows = sum(n for kind, n in counts.items() if kind != "cases")
    named = Person.objects.exclude(family_name="").count()
    left = Case.objects.exclude(title="").count() + CaseNote.objects.exclude(text="").count()
    return {
        "cases": cases,
        "batch": batch,
        "batches": run.batches,
        "seconds": round(seconds, 2),
        "of_which_preview_seconds": round(preview_seconds, 2),
        "cases_anonymised": counts.get("cases", 0),
        "rows_anonymised": rows,
        "cases_per_second": round(counts.get("cases", 0) / seconds, 1),
        "rows_per_second": round(rows / seconds, 1),
        "counts": counts,
        "persons_still_named": named,
        "texts_left": left,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    env = bench_environment(DATABASE)
    prepare_database(env, fresh=True)  # the run anonymises its data: always start afresh
    build(args.cases)
    result = measure(args.cases, args.batch)
    write_result("retention_rate", result)
    if result["cases_anonymised"] != args.cases or result["persons_still_named"] or result["texts_left"]:
        print("FAILED: the job did not anonymise every expired case", file=sys.stderr)
        sys.exit(1)
    print(f"retention: {result['cases_per_second']} cases/s, {result['rows_per_second']} rows/s")


if __name__ == "__main__":
    main()
