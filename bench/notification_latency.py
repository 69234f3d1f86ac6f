"""Notification latency: from the commit of the business transaction to in-app delivery by a
real Celery worker over Redis, on PostgreSQL. Writes var/bench/notification_latency.json.

    python -m bench.notification_latency [--count 100] [--gap-ms 20]

Needs DATABASE_URL (PostgreSQL; the database notlagen_bench is created beside it) and REDIS_URL."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from .common import ROOT, bench_environment, percentile, prepare_database, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--gap-ms", type=float, default=20.0, help="pause between notifications")
    args = parser.parse_args()

    env = bench_environment("notlagen_bench")
    prepare_database(env)
    from django.db import transaction
    from django.utils.translation import gettext_lazy as _

    from accounts.models import User
    from notifications.models import Notification
    from notifications.services import notify
    from notlagen.celery import app

    user, _created = User.objects.get_or_create(username="bench-latency", defaults={"email": ""})
    Notification.objects.filter(recipient=user).delete()
    app.control.purge()

    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "notlagen",
            "worker",
            "--concurrency=2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        # Warm up: the first task pays for the worker's connections.
        notify(recipients=[user], kind="bench.warmup", subject=_("Test notification"))
        _wait(lambda: not Notification.objects.filter(recipient=user, status="pending").exists(), 60)

        committed: dict[int, float] = {}
        for _index in range(args.count):
            with transaction.atomic():
                (row,) = notify(recipients=[user], kind="bench.latency", subject=_("Test notification"))
            committed[row.pk] = time.time()  # on_commit enqueue has run when atomic() returns
            time.sleep(args.gap_ms / 1000)
        _wait(lambda: Notification.objects.filter(pk__in=committed, status="delivered").count() == len(committed), 120)
        delivered = dict(Notification.objects.filter(pk__in=committed).values_list("pk", "delivered_at"))
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    latencies_ms = [(delivered[pk].timestamp() - committed[pk]) * 1000 for pk in committed]
    write_result(
        "notification_latency",
        {
            "what": "commit of the business transaction to in-app delivery by a real worker",
            "count": len(latencies_ms),
            "gap_ms": args.gap_ms,
            "p50_ms": round(statistics.median(latencies_ms), 2),
            "p95_ms": round(percentile(latencies_ms, 95), 2),
            "max_ms": round(max(latencies_ms), 2),
            "broker": "redis",
            "database": "postgresql",
        },
    )


def _wait(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise TimeoutError("the worker did not deliver in time")


if __name__ == "__main__":
    main()
