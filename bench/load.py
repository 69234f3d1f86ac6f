"""Load test: a mixed staff workload over HTTP against gunicorn and PostgreSQL, on loopback only.

Builds (or reuses) a synthetic city in its own database: bench.visible_cases.build_city (100
agencies, 5,000 staff, 100,000 cases with permission rows) plus names and birth dates to search,
notes with timeline entries, and 20 staff in two agencies. Starts gunicorn with the project's
WSGI app (DEBUG off, 2×cores+1 sync workers) and runs Locust headless (bench/locustfile.py) at
10, 25, 50 and 100 concurrent staff; each step is measured for a bounded time after its
new users have logged in and warmed up. Writes var/bench/load_<cases>.json and .md; exits 1 if
a step measured nothing. "Degrades" = the first step whose overall p95 exceeds twice the first
step's, or in which any request failed. Load generator and server share this machine's cores.

    python -m bench.load [--cases 100000] [--steps 10,25,50,100] [--duration 30] [--think 1]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .common import ROOT, bench_environment, percentile, prepare_database, write_result

VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
SOCIAL_WORKER_ACCOUNTS, MULTI_AGENCY_ACCOUNTS, CASES_PER_AGENCY = 200, 20, 300
NOTES_PER_CASE = 3
SURNAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter "
    "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner "
    "Krause Meier Lehmann Köhler Herrmann König Walter Kaiser Fuchs Peters Scholz Möller Weiß Jung Hahn "
    "Yılmaz Kaya Demir Şahin Çelik Nowak Kowalski Wójcik Haddad Ahmadi Hosseini Popescu Ivanova Petrović"
).split()
GIVEN_NAMES = (
    "Anna Maria Emma Lena Sofia Mia Laura Julia Sarah Lea Elif Fatma Aylin Olga Natalia Zainab "
    "Peter Thomas Michael Andreas Stefan Jan Lukas Leon Paul Jonas Mehmet Ahmet Ali Mustafa Piotr Omar"
).split()


def city_ready(cases: int) -> bool:
    from accounts.models import User
    from cases.models import Case, CaseNote

    multi = User.objects.filter(username__startswith="load-multi-").count()
    return Case.objects.count() == cases and CaseNote.objects.exists() and multi == MULTI_AGENCY_ACCOUNTS


def enrich_city() -> None:
    """What the workload needs beyond build_city: names and birth dates to search, notes (with
    their timeline entries) to read, and staff in two agencies."""
    from django.db import connection, transaction

    from accounts.models import User
    from agencies.models import Agency, Membership
    from cases.phonetics import phonetic_key

    print("adding names, notes and load accounts ...", flush=True)
    agencies = list(Agency.objects.order_by("name"))
    owners = agencies[1:21]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_person SET family_name = (%(f)s::text[])[1 + (id * 7919) %% %(nf)s], "
            "family_phonetic = (%(fp)s::text[])[1 + (id * 7919) %% %(nf)s], "
            "given_name = (%(g)s::text[])[1 + (id * 104729) %% %(ng)s], "
            "given_phonetic = (%(gp)s::text[])[1 + (id * 104729) %% %(ng)s], "
            "birth_date = date '1950-01-01' + ((id * 2654435761) %% 20000)::int",
            {"f": list(SURNAMES), "fp": [phonetic_key(n) for n in SURNAMES], "nf": len(SURNAMES)}
            | {"g": list(GIVEN_NAMES), "gp": [phonetic_key(n) for n in GIVEN_NAMES], "ng": len(GIVEN_NAMES)},
        )
        cursor.execute(
            "WITH author AS (SELECT DISTINCT ON (agency_id) agency_id, user_id FROM agencies_membership "
            "ORDER BY agency_id, id) "
            "INSERT INTO cases_casenote (case_id, category, text, contact_channel, occurred_on, author_id, "
            "author_agency_id, created_at) "
            "SELECT c.id, (ARRAY['general', 'general', 'health', 'finances'])[1 + (c.id + n) %% 4], "
            "'Gespräch ' || n || E': Lage besprochen, nächste Schritte vereinbart.\n\nWohnung, Einkommen, Schulden.', "
            "'', NULL, a.user_id, c.owner_agency_id, c.updated_at - n * interval '9 days' "
            "FROM cases_case c JOIN author a ON a.agency_id = c.owner_agency_id CROSS JOIN generate_series(1, %s) n",
            [NOTES_PER_CASE],
        )
        cursor.execute(
            "INSERT INTO cases_caseevent (case_id, at, kind, visibility, actor_id, agency_id, ref_id, data) "
            "SELECT case_id, created_at, 'note', category, author_id, author_agency_id, id, '{}'::jsonb "
            "FROM cases_casenote"
        )
        for k in range(MULTI_AGENCY_ACCOUNTS):
            user = User.objects.create(username=f"load-multi-{k:02d}", password="!", last_name=f"Multi {k}")
            for agency in (owners[k % 20], owners[(k + 1) % 20]):
                Membership.objects.create(
                    user=user, agency=agency, role="social_worker", status=Membership.Status.ACTIVE
                )
                user.groups.add(agency.group_id)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _accounts(agencies) -> dict[str, list[dict]]:
    """The accounts the simulated staff log in with, each with the agencies whose cases it opens:
    build_city puts user i into agency i % 100; agency 0 is the Jobcenter, 1..20 own the cases."""
    from .visible_cases import AGENCIES, OWNER_AGENCIES, USERS

    def account(i: int) -> dict:
        return {"username": f"bench-{i:05d}", "agencies": [agencies[i % AGENCIES].pk]}

    owners = agencies[1 : OWNER_AGENCIES + 1]
    workers = [account(i) for i in range(USERS) if 1 <= i % AGENCIES <= OWNER_AGENCIES]
    return {
        "social_worker": workers[:SOCIAL_WORKER_ACCOUNTS],
        "jobcenter": [account(i) for i in range(0, USERS, AGENCIES)],
        "multi_agency": [
            {"username": f"load-multi-{k:02d}", "agencies": [owners[k % 20].pk, owners[(k + 1) % 20].pk]}
            for k in range(MULTI_AGENCY_ACCOUNTS)
        ],
    }


def write_accounts() -> Path:
    """The workload's input for the locustfile: accounts (with a password set for this run), a
    sample of each agency's visible cases."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from accounts.models import User
    from agencies.models import Agency

    agencies = list(Agency.objects.order_by("name"))
    pools = _accounts(agencies)
    password = secrets.token_urlsafe(16)
    names = [account["username"] for pool in pools.values() for account in pool]
    User.objects.filter(username__in=names).update(password=make_password(password))
    cases = {}
    shared = "SELECT DISTINCT content_object_id FROM cases_casegroupobjectpermission WHERE group_id = %s"
    owned = "SELECT id FROM cases_case WHERE owner_agency_id = %s"
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.17)")
        for agency in agencies[:21]:  # the Jobcenter opens cases shared with it, the owners their own
            jobcenter = agency.kind == "jobcenter"
            cursor.execute(
                f"SELECT * FROM ({shared if jobcenter else owned}) visible ORDER BY random() LIMIT %s",  # noqa: S608
                [agency.group_id if jobcenter else agency.pk, CASES_PER_AGENCY],
            )
            cases[str(agency.pk)] = [row[0] for row in cursor.fetchall()]
    path = OUT / "load_accounts.json"
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"password": password, "pools": pools, "cases": cases}))
    return path


def prepare_city(cases: int, rebuild: bool) -> dict[str, str]:
    env = bench_environment(f"notlagen_bench_load_{cases}")
    prepare_database(env, fresh=rebuild)
    if not city_ready(cases):
        from .visible_cases import build_city

        prepare_database(env, fresh=True)
        build_city(cases)
        enrich_city()
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int):
    """The project's WSGI app under gunicorn on a free loopback port; stopped on the way out."""
    with socket.socket() as sock:  # a free port on loopback
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (OUT / "load_gunicorn.log").open("w")
    command = [str(VENV_BIN / "gunicorn"), "notlagen.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "60", "--log-level", "warning"]
    server = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - raises unless 2xx
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.3)
        yield url, server.pid
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def _cpu_snapshot(server_pid: int, client_pid: int) -> dict:
    """CPU seconds so far of the gunicorn processes, of this database's PostgreSQL backends and of
    Locust; the machine-wide busy share since the last call (other work on the machine shows there)."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = {"server": [server_pid], "postgres": [row[0] for row in cursor.fetchall()], "client": [client_pid]}
    for kind in ("server", "client"):
        with contextlib.suppress(psutil.Error):
            pids[kind] += [p.pid for p in psutil.Process(pids[kind][0]).children(recursive=True)]
    seconds: dict[str, dict[int, float]] = {kind: {} for kind in pids}
    for kind, numbers in pids.items():
        for pid in numbers:
            with contextlib.suppress(psutil.Error):
                times = psutil.Process(pid).cpu_times()
                seconds[kind][pid] = times.user + times.system
    return {"seconds": seconds, "at": time.monotonic(), "busy_pct": psutil.cpu_percent(None), "load": os.getloadavg()}


def _cores_used(before: dict, after: dict) -> dict:
    wall = after["at"] - before["at"]
    used = {
        kind: round(sum(max(0.0, t - before["seconds"][kind].get(pid, 0.0)) for pid, t in pids.items()) / wall, 2)
        for kind, pids in after["seconds"].items()
    }
    return {**used, "machine_busy_pct": after["busy_pct"], "load_avg_1m": round(after["load"][0], 1)}


def run_steps(url: str, server_pid: int, accounts: Path, steps: list[int], args) -> list[dict]:
    """All steps in one Locust process (bench/locustfile.py adds users per step, waits for their
    logins, warms up, measures); the CPU counters are read when a window opens and closes."""
    samples = OUT / "load_samples.json"
    env = {**os.environ, "LOAD_ACCOUNTS": str(accounts), "LOAD_SAMPLES": str(samples), "LOAD_THINK": str(args.think)}
    env |= {"LOAD_STEPS": ",".join(map(str, steps)), "LOAD_SPAWN": str(args.spawn_rate)}
    env |= {"LOAD_WARMUP": str(args.warmup), "LOAD_DURATION": str(args.duration)}
    command = [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", url]
    command += ["-u", str(steps[0]), "-r", str(args.spawn_rate), "-t", f"{len(steps) * 300}s", "--only-summary"]
    command += ["--stop-timeout", "5", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    marks = [Path(f"{samples}.{i}.{mark}") for i in range(len(steps)) for mark in ("from", "until")]
    for path in (samples, *marks):
        path.unlink(missing_ok=True)
    snapshots: dict[Path, dict] = {}
    print(f"steps: {steps} concurrent staff ...", flush=True)
    with (OUT / "load_locust.log").open("w") as log:
        client = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            while client.poll() is None:
                for path in marks:
                    if path not in snapshots and path.exists():
                        snapshots[path] = _cpu_snapshot(server_pid, client.pid)
                time.sleep(0.1)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
    if client.returncode or len(snapshots) < len(marks):
        raise RuntimeError(f"Locust stopped early ({client.returncode}); see {log.name}")
    data = json.loads(samples.read_text())
    for path in (samples, *marks):
        path.unlink()
    return [
        {**step_figures(data, i), "cpu_cores_used": _cores_used(snapshots[marks[2 * i]], snapshots[marks[2 * i + 1]])}
        for i in range(len(steps))
    ]


def _summary(times: list[float], failures: int, seconds: float) -> dict:
    if not times:
        return {"requests": 0, "failures": failures, "rps": 0.0}
    return {
        "requests": len(times),
        "failures": failures,
        "rps": round(len(times) / seconds, 1),
        "p50_ms": round(percentile(times, 50)),
        "p95_ms": round(percentile(times, 95)),
        "p99_ms": round(percentile(times, 99)),
        "max_ms": round(max(times)),
    }


def step_figures(data: dict, index: int) -> dict:
    """Figures of one step's measured window, and of the logins of the users the step added."""
    window = data["windows"][index]
    start, end = window["from"], window["until"]
    after = data["windows"][index - 1]["until"] if index else 0
    logins = [s for s in data["samples"] if s[1] == "login" and after <= s[0] < window["logged_in"]]
    measured = [s for s in data["samples"] if start <= s[0] < end and s[1] not in ("login", "login form")]
    seconds = end - start
    by_kind: dict[str, list] = {}
    for sample in measured:
        by_kind.setdefault(sample[1], []).append(sample)

    def summary(rows: list) -> dict:
        return _summary([r[2] for r in rows if r[3]], sum(1 for r in rows if not r[3]), seconds)

    return {
        "users": window["users"],
        "logged_in": len([t for t in data["logins"]["done"] if t < window["logged_in"]]),
        "login_failures": len([t for t in data["logins"]["failed"] if after <= t < end]),
        "login": {k: v for k, v in summary(logins).items() if k != "rps"},  # the users this step added
        "window_s": round(seconds, 1),
        "overall": summary(measured),
        "by_kind": {kind: summary(rows) for kind, rows in sorted(by_kind.items())},
    }


def degradation(steps: list[dict]) -> dict:
    """The first step whose p95 is over twice the first step's, or with any failed request; and
    the step from which throughput no longer grows by 10 % (the machine is saturated)."""
    base = steps[0]["overall"].get("p95_ms")
    limit = 2 * base if base else float("inf")
    bad = [s for s in steps if s["overall"]["failures"] or s["login_failures"] or s["overall"].get("p95_ms", 0) > limit]
    flat = [b for a, b in zip(steps, steps[1:], strict=False) if b["overall"]["rps"] < 1.1 * a["overall"]["rps"]]
    degrades, saturated = (bad[0]["users"] if bad else None), (flat[0]["users"] if flat else None)
    return {"baseline_p95_ms": base, "degrades_at_users": degrades, "throughput_flat_from_users": saturated}


def markdown(result: dict) -> str:
    kinds = ["case list", "open case", "search person", "note: timeline", "note: save"]
    head = ["users", "req/s", "p50", "p95", "p99", "failed", *(f"{k} p95" for k in kinds)]
    head += ["CPU ms/req web+db", "cores: web/db/client, machine busy %"]
    lines = [
        f"# Load: {result['cases']:,} cases, {result['gunicorn_workers']} gunicorn workers, "
        f"{result['cpu_cores']} cores, think time 0–{result['think_s']} s {result['pgoptions']} (times in ms)\n",
        "| " + " | ".join(head) + " |",
        "|" + "---:|" * len(head),
    ]
    for step in result["steps"]:
        o, cpu = step["overall"], step["cpu_cores_used"]
        cells = [step["users"], o["rps"], *(o.get(f"p{n}_ms", "–") for n in (50, 95, 99))]
        cells += [
            o["failures"] + step["login_failures"],
            *(step["by_kind"].get(k, {}).get("p95_ms", "–") for k in kinds),
        ]
        cells.append(
            f"{1000 * cpu['server'] / o['rps']:.0f}+{1000 * cpu['postgres'] / o['rps']:.0f}" if o["rps"] else "–"
        )
        cells.append(f"{cpu['server']}/{cpu['postgres']}/{cpu['client']}/{cpu['machine_busy_pct']}")
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    d = result["degradation"]
    lines.append(
        f"\nDegrades (p95 > 2 × {d['baseline_p95_ms']} ms, or any failure) at: {d['degrades_at_users'] or 'no step'} "
        f"users. Throughput flat (< +10 %) from: {d['throughput_flat_from_users'] or 'no step'} users."
    )
    return "\n".join(lines) + "\n"


def collectstatic(env: dict[str, str]) -> None:
    if not (ROOT / "var" / "static" / "staticfiles.json").exists():
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--steps", default="10,25,50,100", help="concurrent staff per step")
    parser.add_argument("--duration", type=int, default=30, help="measured seconds per step")
    parser.add_argument("--warmup", type=int, default=5, help="seconds per step before measuring")
    parser.add_argument("--spawn-rate", type=float, default=5, help="new users (logins) per second")
    parser.add_argument("--think", type=float, default=1.0, help="think time 0..N seconds (0: none)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--pgoptions", default="", help='PGOPTIONS of the server\'s sessions, e.g. "-c jit=off"')
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the synthetic city")
    args = parser.parse_args()

    env = prepare_city(args.cases, args.rebuild)
    accounts = write_accounts()
    collectstatic(env)
    if args.pgoptions:
        env["PGOPTIONS"] = args.pgoptions
    with gunicorn(env, args.workers) as (url, pid):
        steps = run_steps(url, pid, accounts, [int(n) for n in args.steps.split(",")], args)
    result = {"cases": args.cases, "gunicorn_workers": args.workers, "cpu_cores": os.cpu_count()}
    result |= {"think_s": args.think, "warmup_s": args.warmup, "duration_s": args.duration, "pgoptions": args.pgoptions}
    result |= {"steps": steps, "degradation": degradation(steps)}
    write_result(f"load_{args.cases}", result)
    table = markdown(result)
    (OUT / f"load_{args.cases}.md").write_text(table)
    print(table)
    empty = [s["users"] for s in steps if not s["overall"]["requests"]]
    if empty:
        sys.exit(f"no successful request measured at {empty} users")


if __name__ == "__main__":
    main()
