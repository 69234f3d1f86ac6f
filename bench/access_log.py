"""Access-log benchmarks (writes var/bench/access_log.json):

1. overhead of logging on the case-detail page and the case list (same requests with the
   access-log receiver connected and disconnected, round-robin), target <= 10 % at p50;
2. concurrent writers: entries per second with 1 and 4 threads (writers take no shared lock);
3. search on a large log (default 2,000,000 entries; --entries 20000000 for the issue's
   figure): first page by person, by actor and time range, by case — target p95 <= 50 ms;
4. sealing and verification throughput (entries per second);
5. peak Python memory while streaming a CSV export of 1,000,000 rows.

  python -m bench.access_log [--entries 2000000] [--rebuild]
"""

from __future__ import annotations

import argparse
import io
import random
import threading
import time
import tracemalloc
from datetime import timedelta

from .common import bench_environment, measure_together, prepare_database, write_result

CITY = "notlagen_bench_access_100000"


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def logging_overhead(repeat: int) -> dict:
    from django.test import Client

    from access.events import access_event
    from accounts.models import User
    from agencies.models import Agency
    from audit.receivers import record_access
    from cases.models import CaseGroupObjectPermission

    jobcenter = Agency.objects.get(name="Bench-Träger 000")
    user = User.objects.filter(memberships__agency=jobcenter).first()
    case_id = (
        CaseGroupObjectPermission.objects.filter(group_id=jobcenter.group_id)
        .values_list("content_object_id", flat=True)
        .first()
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def with_log(url):
        def run():
            assert client.get(url).status_code == 200

        return run

    def without_log(url):
        def run():
            access_event.disconnect(record_access, dispatch_uid="audit.access_event")
            try:
                assert client.get(url).status_code == 200
            finally:
                access_event.connect(record_access, dispatch_uid="audit.access_event")

        return run

    result = {}
    for name, url in (("case_detail", f"/faelle/{case_id}/"), ("case_list", "/faelle/")):
        figures = measure_together({"logged": with_log(url), "not_logged": without_log(url)}, repeat=repeat)
        figures["overhead_p50_percent"] = round(
            (figures["logged"]["p50_ms"] / figures["not_logged"]["p50_ms"] - 1) * 100, 1
        )
        result[name] = figures
    return result


def writer_concurrency(per_thread: int = 1500) -> dict:
    from django.db import connection

    from audit import writer

    def work(n):
        for i in range(n):
            writer.write(
                actor=None, actor_name="bench", action="view", object_type="case", object_ids=[i], case_ids=[i]
            )
        connection.close()

    result = {}
    for threads in (1, 4):
        started = time.perf_counter()
        pool = [threading.Thread(target=work, args=(per_thread,)) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - started
        result[f"threads_{threads}_entries_per_s"] = round(threads * per_thread / elapsed)
    return result


def build_log(entries: int, seed: int = 3) -> None:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User

    rng = random.Random(seed)
    users = list(User.objects.values_list("pk", "username")[:5000])
    now = timezone.now()
    print(f"building an access log of {entries:,} entries ...", flush=True)
    with connection.cursor() as cursor:
        # Foreign keys checked row by row (not queued to the commit), one commit per million rows.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_accesslogentry DISABLE TRIGGER audit_accesslogentry_append_only")
        cursor.execute("ALTER TABLE audit_accesslogsubject DISABLE TRIGGER audit_accesslogsubject_append_only")
        cursor.execute(
            "TRUNCATE audit_accesslogchain, audit_accesslogseal, audit_accesslogsubject, audit_accesslogentry"
        )
        start = now - timedelta(days=730)
        step = 730 * 86400 / entries
        batch = 1_000_000
        for offset in range(0, entries, batch):
            count = min(batch, entries - offset)
            rows, subjects = [], []
            for i in range(offset + 1, offset + count + 1):
                user_id, username = users[rng.randrange(len(users))]
                case_id = rng.randrange(1, 1_000_000)
                rows.append(
                    (
                        i,
                        start + timedelta(seconds=i * step),
                        user_id,
                        username,
                        "view",
                        "case",
                        f"[{case_id}]",
                        f"[{case_id}]",
                        f"[{case_id}]",
                        "",
                        "",
                        "web",
                        "",
                        "10.0.0.1",
                        "",
                        "allowed",
                    )
                )
                subjects.append((i, "case", case_id))
                subjects.append((i, "person", case_id))
            _copy(
                cursor,
                "audit_accesslogentry",
                [
                    "id",
                    "time",
                    "actor_id",
                    "actor_name",
                    "action",
                    "object_type",
                    "object_ids",
                    "case_ids",
                    "person_ids",
                    "basis",
                    "purpose",
                    "channel",
                    "request_id",
                    "client_address",
                    "user_agent",
                    "outcome",
                ],
                rows,
            )
            _copy(cursor, "audit_accesslogsubject", ["entry_id", "kind", "ref_id"], subjects)
            print(f"  {offset + count:,}", flush=True)
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_accesslogentry', 'id'), %s)", [entries + 1])
        cursor.execute("ALTER TABLE audit_accesslogentry ENABLE TRIGGER audit_accesslogentry_append_only")
        cursor.execute("ALTER TABLE audit_accesslogsubject ENABLE TRIGGER audit_accesslogsubject_append_only")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_accesslogentry")
        cursor.execute("VACUUM ANALYZE audit_accesslogsubject")


def search(repeat: int) -> dict:
    from audit.filters import AccessLogFilter
    from audit.models import AccessLogEntry
    from audit.selectors import entries_page

    rng = random.Random(5)
    usernames = list(AccessLogEntry.objects.order_by("-id").values_list("actor_name", flat=True)[:2000])
    top = AccessLogEntry.objects.order_by("-id").values_list("time", flat=True).first()

    def page(params):
        filterset = AccessLogFilter(params, queryset=AccessLogEntry.objects.all())
        assert filterset.is_valid(), filterset.errors
        return entries_page(filterset.qs, before=None)

    def by_person():
        return page({"person": str(rng.randrange(1, 1_000_000))})

    def by_actor_and_range():
        since = (top - timedelta(days=60)).date().isoformat()
        return page({"actor": rng.choice(usernames), "since": since, "until": top.date().isoformat()})

    def by_case():
        return page({"case": str(rng.randrange(1, 1_000_000))})

    return measure_together(
        {"by_person": by_person, "by_actor_and_range": by_actor_and_range, "by_case": by_case}, repeat=repeat
    )


def sealing_throughput(limit: int = 200_000) -> dict:
    from django.db import connection

    from audit import sealing, verification
    from audit.models import AccessLogEntry

    top = min(limit, AccessLogEntry.objects.count())
    with connection.cursor() as cursor:
        # Start the chain afresh; the first `top` entries get their search index again from the sealer.
        for table, condition in (
            ("audit_accesslogchain", "TRUE"),
            ("audit_accesslogseal", "TRUE"),
            ("audit_accesslogsubject", f"entry_id <= {top}"),
        ):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            cursor.execute(f"DELETE FROM {table} WHERE {condition}")
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
    started = time.perf_counter()
    sealed, idle = 0, 0
    # The sealer seals only what it saw a run earlier (audit.sealing): its first call may only
    # look. Let it look a few times before deciding that nothing is left to seal.
    while sealed < top and idle < 3:
        seal = sealing.seal_pending(batch=20_000)
        if seal is None:
            idle += 1
            continue
        sealed, idle = sealed + seal.count, 0
    seal_seconds = time.perf_counter() - started
    if not sealed:
        # A benchmark that measured nothing must not report a rate (it once said 0 entries/s).
        raise SystemExit(f"sealing benchmark: nothing was sealed of {top} entries; no figure")
    started = time.perf_counter()
    result = verification.verify()
    verify_seconds = time.perf_counter() - started
    assert result.ok, result.finding
    return {
        "entries": sealed,
        "seal_entries_per_s": round(sealed / seal_seconds),
        "verify_entries_per_s": round(result.entries_checked / verify_seconds),
    }


def export_memory(rows: int = 1_000_000) -> dict:
    from audit.models import AccessLogEntry
    from audit.views import _csv_rows

    queryset = AccessLogEntry.objects.filter(id__lte=rows)
    tracemalloc.start()
    started = time.perf_counter()
    written = sum(1 for _ in _csv_rows(queryset)) - 1
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": written, "peak_python_memory_mb": round(peak / 1e6, 1), "seconds": round(elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument(
        "--parts", default="overhead,writers,search,sealing,export", help="comma-separated subset to run"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    env = bench_environment(CITY)
    prepare_database(env)
    from cases.models import Case

    if not Case.objects.exists():
        raise SystemExit("Run `python -m bench.visible_cases` first: this benchmark uses its synthetic city.")
    figures = {}
    if "overhead" in parts:
        figures["logging_overhead"] = logging_overhead(args.repeat)
    if "writers" in parts:
        figures["writers"] = writer_concurrency()
    from audit.models import AccessLogEntry

    if args.rebuild or AccessLogEntry.objects.count() < args.entries:
        build_log(args.entries)
    if "search" in parts:
        figures["search_first_page"] = search(args.repeat)
    if "sealing" in parts:
        figures["sealing"] = sealing_throughput()
    if "export" in parts:
        figures["export"] = export_memory(min(1_000_000, args.entries))
    write_result(f"access_log_{'_'.join(sorted(parts))}", {"entries": AccessLogEntry.objects.count(), **figures})


if __name__ == "__main__":
    main()
