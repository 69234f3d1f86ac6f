"""Access-log benchmarks on a realistic synthetic log (default 20,000,000 entries over 24 months;
writes var/bench/access_log_<N>.json and .md). Database: notlagen_bench_log_<N>, reused when it
already holds the log (ids 1..N), built with COPY otherwise.

Parts (--parts, comma-separated; default search,insert,size,retention,sealing):
- search: the auditors' search through AccessLogFilter + entries_page for every filter (action,
  channel, outcome, agency, actor, person, case, period) alone and with a period, first page and
  a deep keyset page; p50/p95 over --repeat samples each (target p95 <= 50 ms);
- insert: one request's INSERT (a single entry; a list entry naming 100 cases and 100 persons);
- size: table and index size per million entries (over all partitions);
- retention: audit_apply_retention() dropping a month partition;
- sealing: sealing and verification throughput (fails when nothing was sealed);
- explain: the plan of each first-page search (partitions and indexes read);
- overhead (needs bench.visible_cases' city in --database), writers, export: as before.

  python -m bench.access_log [--entries 20000000] [--rebuild] [--repeat 1000] [--parts ...]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from .common import bench_environment, measure, measure_together, prepare_database, write_markdown, write_result

AGENCIES, USERS, PERSONS, CASES = 100, 2000, 200_000, 400_000
ACTIONS = {  # action: (weight, kind of ids)
    "view": (45, "one"), "list": (8, "list"), "search": (3, "few"), "export": (0.4, "list"),
    "print": (1.5, "one"), "change": (9, "one"), "create": (3, "one"), "delete": (0.1, "one"),
    "login": (12, "none"), "logout": (9, "none"), "login_failed": (1.5, "none"), "grant": (1.5, "one"),
    "revoke": (0.8, "one"), "expire": (1.2, "one"), "consent_given": (1.5, "one"),
    "consent_withdrawn": (0.2, "one"), "access_request": (0.5, "one"), "break_glass": (0.05, "one"),
    "retention": (0.0005, "none"),
}  # fmt: skip
CHANNELS = {"web": 80, "api": 12, "job": 5, "admin": 2, "command": 1}
COLUMNS = (
    "id, time, actor_id, actor_name, agency_id, action, object_type, object_ids, case_ids, person_ids, "
    "basis, purpose, channel, request_id, client_address, user_agent, outcome"
)
MONTHS = 24


def _population(cursor) -> None:
    """Agencies, users (with an agency each) and persons the log refers to."""
    from accounts.models import User
    from agencies.models import Agency

    if not Agency.objects.filter(name="Log-Träger 000").exists():
        Agency.objects.bulk_create(
            Agency(name=f"Log-Träger {i:03}", kind=Agency.Kind.choices[0][0], municipality="Bench")
            for i in range(AGENCIES)
        )
    if not User.objects.filter(username="log0000").exists():
        User.objects.bulk_create(User(username=f"log{i:04}", password="!") for i in range(USERS))  # noqa: S106
    cursor.execute("SELECT count(*) FROM cases_person")
    if cursor.fetchone()[0] < PERSONS:
        agency = Agency.objects.filter(name="Log-Träger 000").values_list("pk", flat=True).get()
        cursor.execute(
            "INSERT INTO cases_person (given_name, family_name, alias, family_phonetic, given_phonetic, created_at, "
            "updated_at, owner_agency_id) SELECT '', 'P' || i, '', '', '', now(), now(), %s "
            "FROM generate_series(1, %s) i",
            [agency, PERSONS],
        )


def _rows(entries: int, rng: random.Random, refs: dict):
    """The synthetic log, oldest first: mixed actions, ~3 % denied, channels, agencies, list
    entries naming up to 100 cases and persons, times spread evenly over 24 months."""
    actions, weights = list(ACTIONS), [w for w, _kind in ACTIONS.values()]
    channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
    start = datetime.now(UTC) - timedelta(days=30.44 * MONTHS)
    step = MONTHS * 30.44 * 86400 / entries
    users, persons = refs["users"], refs["persons"]
    batch = 100_000
    for offset in range(0, entries, batch):
        n = min(batch, entries - offset)
        acts = rng.choices(actions, weights, k=n)
        chans = rng.choices(channels, channel_weights, k=n)
        lines = []
        for j in range(n):
            i = offset + j + 1
            action, kind = acts[j], ACTIONS[acts[j]][1]
            user_id, username, agency_id = users[rng.randrange(len(users))]
            if kind == "one":
                case = rng.randrange(1, CASES)
                cases, people = f"[{case}]", f"[{persons[case % len(persons)]}]"
            elif kind == "none":
                cases = people = "[]"
            else:
                size = rng.randrange(2, 101) if kind == "list" else rng.randrange(1, 21)
                cases = json.dumps(sorted(rng.sample(range(1, CASES), size)))
                people = json.dumps(sorted({persons[rng.randrange(len(persons))] for _ in range(size)}))
            denied = rng.random() < 0.03
            stamp = (start + timedelta(seconds=i * step)).isoformat()
            lines.append(
                f"{i}\t{stamp}\t{user_id}\t{username}\t{agency_id}\t{action}\tcase\t{cases}\t{cases}\t{people}\t"
                f"owner\t\t{chans[j]}\t\t10.1.{i % 250}.{i % 199}\tbench\t{'denied' if denied else 'allowed'}\n"
            )
        yield "".join(lines)


def build_log(entries: int, seed: int = 3) -> dict:
    from django.db import connection

    started = time.perf_counter()
    rng = random.Random(seed)
    print(f"building an access log of {entries:,} entries ...", flush=True)
    with connection.cursor() as cursor:
        _population(cursor)
        cursor.execute(
            "SELECT u.id, u.username, a.id FROM accounts_user u, LATERAL (SELECT id FROM agencies_agency "
            "WHERE name LIKE 'Log-Träger %%' ORDER BY id OFFSET (u.id %% %s) LIMIT 1) a "
            "WHERE u.username LIKE 'log%%'",
            [AGENCIES],
        )
        refs = {"users": cursor.fetchall()}
        cursor.execute("SELECT id FROM cases_person ORDER BY id")
        refs["persons"] = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("TRUNCATE audit_accesslogchain, audit_accesslogseal, audit_accesslogentry")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_accesslogentry' "
            "AND indexname <> 'audit_accesslogentry_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:  # built once after the load: far faster than row by row
            cursor.execute(f"DROP INDEX {name}")
        months = {(datetime.now(UTC) - timedelta(days=30.44 * m)).date().replace(day=1) for m in range(MONTHS + 2)}
        for month in sorted(months):
            cursor.execute("SELECT audit_create_log_partition(%s)", [month])
        # The rows refer to existing users and agencies by construction: no 40 million deferred
        # foreign-key checks at the end of the COPY (replica mode skips them; superuser only).
        cursor.execute("SET session_replication_role = replica")
        with cursor.cursor.copy(f"COPY audit_accesslogentry ({COLUMNS}) FROM STDIN") as copy:
            for done, chunk in enumerate(_rows(entries, rng, refs), 1):
                copy.write(chunk)
                if done % 10 == 0:
                    print(f"  {done * 100_000:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("SET session_replication_role = origin")
        loaded = time.perf_counter()
        for name, definition in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON "))  # the parent's and every partition's
            print(f"  index {name} ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_accesslogentry', 'id'), %s)", [entries + 1])
        cursor.execute("VACUUM ANALYZE audit_accesslogentry")
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds), "load_seconds": round(loaded - started - 0), "entries": entries}


def _holds_log(entries: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_accesslogentry WHERE id <= %s", [entries])
        return cursor.fetchone()[0] == entries


def _search_cases(rng: random.Random) -> dict:
    """Each filter of the auditors' search as a function returning its form parameters."""
    from accounts.models import User
    from agencies.models import Agency
    from audit.models import AccessLogEntry
    from cases.models import Person

    agencies = [str(pk) for pk in Agency.objects.filter(name__startswith="Log-").values_list("pk", flat=True)]
    users = list(User.objects.filter(username__startswith="log").values_list("username", flat=True))
    persons = list(Person.objects.values_list("pk", flat=True)[:PERSONS])
    return {
        "action": lambda: {"action": rng.choice(AccessLogEntry.Action.values)},
        "channel": lambda: {"channel": rng.choice(AccessLogEntry.Channel.values)},
        "outcome": lambda: {"outcome": rng.choice(AccessLogEntry.Outcome.values)},
        "agency": lambda: {"agency": rng.choice(agencies)},
        "actor": lambda: {"actor": rng.choice(users)},
        "person": lambda: {"person": str(rng.choice(persons))},
        "case": lambda: {"case": str(rng.randrange(1, CASES))},
        "period": dict,
    }


def _period(rng: random.Random, top: datetime) -> dict:
    """A period of 1 to 31 days, anywhere in the 24 months."""
    end = top - timedelta(days=rng.uniform(0, 30.44 * MONTHS - 31))
    start = end - timedelta(days=rng.randrange(0, 31))
    return {"since": start.date().isoformat(), "until": end.date().isoformat()}


def search(repeat: int) -> dict:
    from audit.filters import AccessLogFilter
    from audit.models import AccessLogEntry
    from audit.selectors import entries_page

    rng = random.Random(5)
    top_id = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    top = AccessLogEntry.objects.filter(id=top_id).values_list("time", flat=True).get()
    found = {}

    def page(name, params, deep):
        filterset = AccessLogFilter(params, queryset=AccessLogEntry.objects.all())
        assert filterset.is_valid(), filterset.errors
        # A deep page: the keyset "before" somewhere in the older half of the log.
        rows, _next = entries_page(filterset.qs, before=rng.randrange(2, top_id // 2) if deep else None)
        found[name] = found.get(name, 0) + len(rows)

    functions = {}
    for name, make in _search_cases(rng).items():
        for with_period in (False, True) if name != "period" else (True,):
            label = f"{name}+period" if with_period and name != "period" else name
            for deep in (False, True):

                def run(label=f"{label}{' deep' if deep else ''}", make=make, wp=with_period, deep=deep):
                    page(label, {**make(), **(_period(rng, top) if wp else {})}, deep)

                functions[f"{label}{' deep' if deep else ''}"] = run
    result = {name: measure(function, repeat=repeat) for name, function in functions.items()}
    for name, figures in result.items():
        figures["rows_per_page"] = round(found[name] / (repeat + 3), 1)
    if not any(found.values()):
        raise SystemExit("search benchmark: no search found anything; no figure")
    return result


def insert_cost(repeat: int) -> dict:
    """One request's log write: one INSERT (a view; a list page naming 100 cases and persons)."""
    from audit import writer

    one = {"actor": None, "actor_name": "bench", "action": "view", "object_type": "case", "object_ids": [1]}
    many = {**one, "action": "list", "object_ids": range(1, 101), "case_ids": range(1, 101)}
    many["person_ids"] = range(1, 101)
    return {
        "one_entry": measure(
            lambda: writer.save([writer.entry_for(**one, case_ids=[7], person_ids=[7])]), repeat=repeat
        ),
        "list_entry_100_ids": measure(lambda: writer.save([writer.entry_for(**many)]), repeat=repeat),
    }


def sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_accesslogentry")
        (count,) = cursor.fetchone()
        cursor.execute(
            "SELECT sum(pg_relation_size(relid)), sum(pg_total_relation_size(relid)) "
            "FROM pg_partition_tree('audit_accesslogentry') WHERE isleaf"
        )
        heap, total = cursor.fetchone()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, (SELECT sum(pg_relation_size(relid)) "
            "FROM pg_partition_tree(i.indexrelid)) FROM pg_index i WHERE i.indrelid = 'audit_accesslogentry'::regclass"
        )
        indexes = cursor.fetchall()
    per_million = 1_000_000 / max(count, 1)
    mb = lambda b: round(float(b or 0) * per_million / 1e6, 1)  # noqa: E731
    return {
        "entries": count,
        "total_mb": round(float(total) / 1e6),
        "per_million_entries_mb": {"total": mb(total), "table_and_toast": mb(total - sum(s or 0 for _n, s in indexes))},
        "index_per_million_mb": {name: mb(size) for name, size in sorted(indexes)},
        "heap_mb": round(float(heap) / 1e6),
    }


def retention_drop() -> dict:
    """A month before the horizon, as big as the oldest month of the log (ids below 1, proven old
    by a mark and a seal), dropped by audit_apply_retention()."""
    from django.db import connection

    from audit.retention import retention_horizon

    month = (retention_horizon() - timedelta(days=40)).date().replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_create_log_partition(%s)", [month])
        (name,) = cursor.fetchone()
        cursor.execute("SELECT min(time) FROM audit_accesslogentry WHERE id <= 1000")
        (oldest,) = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO audit_accesslogentry ({COLUMNS}) SELECT -id, %s::date::timestamptz + (time - %s), "
            f"{COLUMNS.split(', ', 2)[2]} FROM audit_accesslogentry "
            "WHERE time >= %s AND time < %s + interval '27 days'",
            [month, oldest, oldest, oldest],
        )
        copied = cursor.rowcount
        cursor.execute("SET session_replication_role = replica")  # what the database noted back then
        cursor.execute(
            "INSERT INTO audit_retention_mark (entry_id, at) VALUES (0, %s)", [retention_horizon() - timedelta(days=1)]
        )
        cursor.execute(
            "INSERT INTO audit_accesslogseal (first_entry_id, last_entry_id, count, previous_head, head, key_id, mac, "
            "sealed_at) VALUES (-1, 0, 0, '', '', '', '', now())"
        )
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("ANALYZE audit_accesslogentry")
        started = time.perf_counter()
        cursor.execute("SELECT removed, up_to FROM audit_apply_retention()")
        removed, up_to = cursor.fetchone()
        seconds = time.perf_counter() - started
        cursor.execute("SELECT to_regclass(%s) IS NULL", [name])
        (dropped,) = cursor.fetchone()
    if not (dropped and removed == copied and copied > 0):
        raise SystemExit(f"retention benchmark: {removed} of {copied} removed, dropped={dropped}; no figure")
    return {"partition": name, "entries": removed, "seconds": round(seconds, 3), "up_to": up_to}


def explain() -> dict:
    from django.db import connection

    from audit.filters import AccessLogFilter
    from audit.models import AccessLogEntry

    plans = {}
    samples = {"action": {"action": "break_glass"}, "channel": {"channel": "command"}, "outcome": {"outcome": "denied"}}
    samples |= {"case": {"case": "4711"}, "person": {"person": str(PERSONS // 2)}, "actor": {"actor": "log0042"}}
    samples |= {"period": {"since": "2025-06-03", "until": "2025-06-09"}, "none": {}}
    samples |= {"action+period": {"action": "view", "since": "2025-06-03", "until": "2025-06-09"}}
    for name, params in samples.items():
        qs = AccessLogFilter(params, queryset=AccessLogEntry.objects.all()).qs.order_by("-time", "-id")[:51]
        sql, sql_params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", sql_params)
            plans[name] = [row[0] for row in cursor.fetchall()]
    return plans


def logging_overhead(repeat: int) -> dict:
    """Case detail and case list with the access-log receiver connected and disconnected
    (round-robin); needs bench.visible_cases' city in --database."""
    from django.test import Client

    from access.events import access_event
    from accounts.models import User
    from agencies.models import Agency
    from audit.receivers import record_access
    from cases.models import CaseGroupObjectPermission

    jobcenter = Agency.objects.filter(name="Bench-Träger 000").first()
    if jobcenter is None:
        raise SystemExit("overhead: run `python -m bench.visible_cases` and pass its database as --database")
    user = User.objects.filter(memberships__agency=jobcenter).first()
    perms = CaseGroupObjectPermission.objects.filter(group_id=jobcenter.group_id)
    case_id = perms.values_list("content_object_id", flat=True).first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def call(url, logged):
        def run():
            if not logged:
                access_event.disconnect(record_access, dispatch_uid="audit.access_event")
            try:
                assert client.get(url).status_code == 200
            finally:
                access_event.connect(record_access, dispatch_uid="audit.access_event")

        return run

    result = {}
    for name, url in (("case_detail", f"/faelle/{case_id}/"), ("case_list", "/faelle/")):
        figures = measure_together({"logged": call(url, True), "not_logged": call(url, False)}, repeat=repeat)
        ratio = figures["logged"]["p50_ms"] / figures["not_logged"]["p50_ms"]
        figures["overhead_p50_percent"] = round((ratio - 1) * 100, 1)
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
        result[f"threads_{threads}_entries_per_s"] = round(threads * per_thread / (time.perf_counter() - started))
    return result


def sealing_throughput(limit: int = 200_000) -> dict:
    from django.db import connection

    from audit import sealing, verification
    from audit.models import AccessLogEntry

    top = min(limit, AccessLogEntry.objects.count())
    with connection.cursor() as cursor:  # start the chain afresh
        cursor.execute("TRUNCATE audit_accesslogchain, audit_accesslogseal")
    started = time.perf_counter()
    sealed, idle = 0, 0
    # The sealer seals only what it saw a run earlier (audit.sealing): let it look a few times.
    while sealed < top and idle < 3:
        seal = sealing.seal_pending(batch=20_000, up_to=top)
        if seal is None:
            idle += 1
            continue
        sealed, idle = sealed + seal.count, 0
    seal_seconds = time.perf_counter() - started
    if not sealed:
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

    tracemalloc.start()
    started = time.perf_counter()
    written = sum(1 for _ in _csv_rows(AccessLogEntry.objects.filter(id__lte=rows))) - 1
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": written, "peak_python_memory_mb": round(peak / 1e6, 1), "seconds": round(elapsed, 1)}


def _table(figures: dict) -> list[dict]:
    rows = [{"measured": f"search {name}", **f} for name, f in figures.get("search", {}).items()]
    rows += [{"measured": f"INSERT {name}", **f} for name, f in figures.get("insert", {}).items()]
    if size := figures.get("size"):
        rows.append({"measured": "MB per million entries", "value": size["per_million_entries_mb"]["total"]})
        rows += [{"measured": f"MB per million: {n}", "value": v} for n, v in size["index_per_million_mb"].items()]
    if drop := figures.get("retention"):
        what = f"retention: drop a month of {drop['entries']:,} entries (s)"
        rows.append({"measured": what, "value": drop["seconds"]})
    if build := figures.get("build"):
        rows.append({"measured": f"build of {build['entries']:,} entries (s)", "value": build["seconds"]})
    if seal := figures.get("sealing"):
        rows.append({"measured": "sealing (entries/s)", "value": seal["seal_entries_per_s"]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=20_000_000)
    parser.add_argument("--database", help="default: notlagen_bench_log_<entries>")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--parts", default="search,insert,size,retention,sealing")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    env = bench_environment(args.database or f"notlagen_bench_log_{args.entries}")
    env["ACCESS_LOG_ANCHOR_FILE"] = tempfile.mkstemp(prefix="bench-seals-", suffix=".jsonl")[1]  # seals of this run
    prepare_database(env)
    figures: dict = {}
    if "overhead" in parts:
        figures["logging_overhead"] = logging_overhead(min(args.repeat, 200))
    if args.rebuild or not _holds_log(args.entries):
        figures["build"] = build_log(args.entries)
    steps = {
        "explain": explain,
        "search": lambda: search(args.repeat),
        "insert": lambda: insert_cost(args.repeat),
        "size": sizes,
        "writers": writer_concurrency,
        "sealing": sealing_throughput,
        "retention": retention_drop,
        "export": lambda: export_memory(min(1_000_000, args.entries)),
    }
    for name, step in steps.items():
        if name in parts:
            started = time.perf_counter()
            figures[name] = step()
            print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    if not figures:
        raise SystemExit("nothing measured")
    name = f"access_log_{args.entries}"
    write_result(name, {"entries": args.entries, "parts": sorted(parts), **figures})
    write_markdown(name, _table(figures))


if __name__ == "__main__":
    main()
