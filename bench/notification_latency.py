"""Notification latency: from the commit of the business transaction to in-app delivery by a
real Celery worker over Redis, on PostgreSQL. Writes var/bench/notification_latency.json.

    python -m bench.notification_latency [--count 100] [--gap-ms 20]

Needs DATABASE_URL (PostgreSQL; a database `<name>_bench` is created beside it) and REDIS_URL."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench_environment() -> dict[str, str]:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return {
        **os.environ,
        "NOTLAGEN_MODE": "development",
        "DATABASE_URL": f"{base}/notlagen_bench",
        "CELERY_BROKER_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "DJANGO_SETTINGS_MODULE": "notlagen.settings",
        "LOG_LEVEL": "WARNING",
    }


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--gap-ms", type=float, default=20.0, help="pause between notifications")
    args = parser.parse_args()

    env = _bench_environment()
    os.environ.update(env)
    _ensure_database(env["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603

    import django

    django.setup()
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
    result = {
        "benchmark": "notification_latency_commit_to_in_app_delivery",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": len(latencies_ms),
        "gap_ms": args.gap_ms,
        "p50_ms": round(statistics.median(latencies_ms), 2),
        "p95_ms": round(percentile(latencies_ms, 95), 2),
        "max_ms": round(max(latencies_ms), 2),
        "broker": "redis",
        "database": "postgresql",
    }
    out = ROOT / "var" / "bench" / "notification_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def _wait(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise TimeoutError("the worker did not deliver in time")


if __name__ == "__main__":
    main()
