"""The partner API's case list on the synthetic city (bench.visible_cases builds it): a Jobcenter
client's first page of 50, measured three ways in one run —

  (a) the whole request through Django (key lookup, last-use update, throttle, selector, text
      visibility, serializer, access-log insert), via the test client,
  (b) the web selector alone (cases.selectors.cases_visible_to, the first page, unlogged),
  (c) the SQL floor (the permission index, joined to cases and persons, in the API's order);

then keyed requests per second against gunicorn with two workers over loopback (8 client
threads, keep-alive). Writes var/bench/api_cases_<N>.json.

    python -m bench.api_cases [--cases 1000000] [--repeat 1000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import http.client
import subprocess
import sys
import threading
import time

from .common import ROOT, bench_environment, measure_together, percentile, prepare_database, write_result
from .visible_cases import build_city

KEY = "nlk_benchjobct_Bench-Schluessel-nur-fuer-Messungen"
PORT = 8765


def _client_key():
    from accounts.models import User
    from agencies.models import Agency
    from agencies.roles import Role
    from api.models import ApiClient
    from api.services import client_bootstrap, key_bootstrap

    jobcenter = Agency.objects.get(name="Bench-Träger 000")
    client = ApiClient.objects.filter(agency=jobcenter).first()
    if client is None:
        owner = User.objects.filter(username="bench-00000").first()
        client = client_bootstrap(agency=jobcenter, name="Bench", roles=[Role.PARTNER_STAFF], created_by=owner)
    key_bootstrap(client=client, created_by=client.created_by, whole_key=KEY)
    return jobcenter, client


def timings(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    from cases.access_sync import permission_ids
    from cases.scopes import PERM_BASIC
    from cases.selectors import CASE_LIST_FIELDS, cases_visible_to

    jobcenter, api_client = _client_key()
    browser = Client(HTTP_AUTHORIZATION=f"Api-Key {KEY}", HTTP_HOST="127.0.0.1")
    user = api_client.account
    floor_sql = (
        "SELECT c.id, c.reference, c.title, c.status, c.created_at, c.updated_at, p.id, p.given_name, "
        "p.family_name, p.alias FROM cases_casegroupobjectpermission g "
        "JOIN cases_case c ON c.id = g.content_object_id JOIN cases_person p ON p.id = c.person_id "
        "WHERE g.group_id = %s AND g.permission_id = %s ORDER BY g.case_updated_at, g.content_object_id LIMIT 51"
    )

    def api_page():
        response = browser.get("/api/v1/cases/")
        assert response.status_code == 200, response.content[:300]
        return response

    def selector():
        return list(cases_visible_to(user=user).unreported().select_related("person").only(*CASE_LIST_FIELDS)[:50])

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [jobcenter.group_id, permission_ids()[PERM_BASIC]])
            return cursor.fetchall()

    first = api_page().json()
    assert [row["id"] for row in first["results"]] == [row[0] for row in floor()][:50]
    figures = measure_together({"api_request": api_page, "web_selector": selector, "sql_floor": floor}, repeat=repeat)
    api, web, sql = (figures[name]["p95_ms"] for name in ("api_request", "web_selector", "sql_floor"))
    figures["api_vs_selector_p95"] = round(api / web, 2)
    figures["api_vs_floor_p95"] = round(api / sql, 2)
    figures["goal_p95_ms"] = 30
    return figures


def _load(seconds: float, threads: int) -> dict:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", "/api/v1/cases/", headers={"Authorization": f"Api-Key {KEY}"})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            samples.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "requests": len(samples),
        "errors": errors[0],
        "requests_per_second": round(len(samples) / seconds, 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "client_threads": threads,
        "gunicorn_workers": 2,
    }


def throughput(env: dict, seconds: float) -> dict:
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "notlagen.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        _load(2, 4)  # warm both workers
        return _load(seconds, 8)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    env = bench_environment(f"notlagen_bench_access_{args.cases}")
    env["API_THROTTLE_RATE"] = "100000000/min"  # the throttle is measured in the tests, not here
    prepare_database(env)
    from cases.models import Case

    if Case.objects.count() != args.cases:
        prepare_database(env, fresh=True)
        build_city(args.cases)
    figures = timings(args.repeat)
    figures["gunicorn"] = throughput(env, args.seconds)
    write_result(f"api_cases_{args.cases}", {"cases": args.cases, **figures})


if __name__ == "__main__":
    main()
