"""Referrals: (1) from the commit of a referral to the signed webhook arriving at a local
partner receiver, through a real Celery worker over Redis, p50/p95 over 200 referrals; (2) the
receiving agency's inbox, first page, at 100,000 referrals (the whole request, with its
access-log entry). Writes var/bench/referrals.json.

    python -m bench.referrals [--count 200] [--rows 100000]

Needs DATABASE_URL (PostgreSQL; the database notlagen_bench_referrals is created beside it)
and REDIS_URL. All data is invented."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .common import ROOT, bench_environment, measure, percentile, prepare_database, write_result


class Receiver(BaseHTTPRequestHandler):
    """A partner system: verifies each signature, drops repeats, notes when a referral arrived."""

    secret = ""
    arrived: dict[int, float] = {}  # noqa: RUF012 - shared by the handler threads on purpose
    seen: set[str] = set()  # noqa: RUF012
    bad = 0

    def do_POST(self):  # noqa: N802 - http.server's name
        from standardwebhooks.webhooks import Webhook

        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            Webhook(self.secret).verify(body, dict(self.headers.items()))
        except Exception:  # noqa: BLE001 - a bad signature is counted, not raised
            Receiver.bad += 1
            self.send_response(400)
            self.end_headers()
            return
        if self.headers["webhook-id"] not in Receiver.seen:
            Receiver.seen.add(self.headers["webhook-id"])
            data = json.loads(body)["data"]
            Receiver.arrived.setdefault(data["referral_id"], time.time())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        return None


def _world():
    from django.utils import timezone

    from accounts.models import User
    from agencies.models import Agency
    from agencies.roles import Role
    from agencies.services import membership_add
    from cases import grants
    from cases import services as case_services
    from cases.models import ConsentText
    from referrals.models import Offer, Provider

    city = Agency.objects.create(name="Bench Stadt", kind="city_office", municipality="Hannover")
    centre = Agency.objects.create(name="Bench Beratung", kind="counselling_centre", municipality="Hannover")
    worker = User.objects.create_user("bench-worker", password="x-bench-x-123456")
    counsellor = User.objects.create_user("bench-counsellor", password="x-bench-x-123456")
    membership_add(user=worker, agency=city, role=Role.SOCIAL_WORKER)
    membership_add(user=counsellor, agency=centre, role=Role.PARTNER_STAFF)
    offer = Offer.objects.create(
        provider=Provider.objects.create(name="Bench Beratung e. V.", agency=centre), name="Beratung", category="debt"
    )
    person = case_services.person_register(actor=worker, agency=city, given_name="Bea", family_name="Bench")
    case = case_services.case_open(actor=worker, agency=city, person=person, title="Bench")
    consent = grants.consent_record(
        actor=worker,
        person=person,
        agencies=[centre],
        scopes=["basic"],
        purpose="Bench",
        given_how="written",
        text=ConsentText.objects.create(title="Bench", version="1", body="Bench"),
        valid_until=timezone.localdate() + timedelta(days=300),
    )
    return worker, counsellor, centre, offer, case, consent


def _latency(args, env, world) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from notifications.services import webhook_endpoint_create
    from referrals.models import Offer
    from referrals.services import referral_save

    worker, _counsellor, centre, offer, case, consent = world
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    _endpoint, Receiver.secret = webhook_endpoint_create(agency=centre, url=url, events=["referral.sent"])
    celery = [sys.executable, "-m", "celery", "-A", "notlagen", "worker", "--concurrency=2", "--loglevel=WARNING"]
    worker_process = subprocess.Popen([*celery, "--without-gossip", "--without-mingle"], cwd=ROOT, env=env)  # noqa: S603
    committed: dict[int, float] = {}
    # One offer per referral: a case has at most one open referral to an offer.
    offers = iter(
        Offer.objects.bulk_create(
            Offer(provider=offer.provider, name=f"Beratung {i}", category="debt") for i in range(args.count + 5)
        )
    )

    def refer() -> int:
        with transaction.atomic():
            referral = referral_save(
                actor=worker,
                case=case,
                offer=next(offers),
                purpose="Bench",
                scope="basic",
                respond_by=timezone.localdate() + timedelta(days=10),
                consent=consent,
            )
        return referral.pk

    try:
        # Warm up: wait until the started worker has delivered the first ones.
        warmup = [refer() for _ in range(5)]
        _wait_for(warmup, 120)
        for _index in range(args.count):
            pk = refer()
            committed[pk] = time.time()  # on_commit enqueue has run when atomic() returns
            time.sleep(args.gap_ms / 1000)
        _wait_for(committed, 180)
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=30)
        server.shutdown()
    latencies = [(Receiver.arrived[pk] - committed[pk]) * 1000 for pk in committed if pk in Receiver.arrived]
    return {
        "what": "commit of a referral to its signed webhook verified by a local receiver, real worker",
        "count": len(committed),
        "received": len(latencies),
        "bad_signatures": Receiver.bad,
        "gap_ms": args.gap_ms,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
    }


def _wait_for(ids, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not set(ids) <= set(Receiver.arrived):
        time.sleep(0.01)


def _fill(world, rows: int) -> None:
    from django.utils import timezone

    from referrals.models import Referral

    worker, _counsellor, centre, offer, case, consent = world
    now = timezone.now()
    states = ["sent", "accepted", "first_contact", "completed", "declined", "expired", "withdrawn"]
    batch = []
    for index in range(rows):
        state = states[index % len(states)]
        batch.append(
            Referral(
                case=case,
                offer=offer,
                referring_agency_id=case.owner_agency_id,
                receiving_agency=centre,
                created_by=worker,
                purpose="Bench",
                scope="basic",
                consent=consent,
                respond_by=timezone.localdate() + timedelta(days=10),
                status=state,
                outcome="successful" if state == "completed" else "",
                sent_at=now - timedelta(minutes=index),
            )
        )
        if len(batch) == 5000:
            Referral.objects.bulk_create(batch)
            batch = []
    Referral.objects.bulk_create(batch)


def _inbox(world, rows: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _fill(world, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral")
    client = Client(HTTP_HOST="localhost")
    client.force_login(world[1])
    response = client.get("/vermittlungen/eingang/")
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/vermittlungen/eingang/")
    return {
        "what": "the receiver's inbox, first page (25 rows, open referrals), the whole request",
        "referrals": rows,
        "queries": len(queries.captured_queries),
        **measure(lambda: client.get("/vermittlungen/eingang/"), repeat=50),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--gap-ms", type=float, default=20.0)
    args = parser.parse_args()
    env = bench_environment("notlagen_bench_referrals")
    env["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = "true"
    prepare_database(env, fresh=True)
    world = _world()
    write_result("referrals", {"webhook_latency": _latency(args, env, world), "inbox": _inbox(world, args.rows)})


if __name__ == "__main__":
    main()
