"""Shared helpers of the benchmarks: a database of their own, timing, percentiles, JSON output."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment(database: str) -> dict[str, str]:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return {
        **os.environ,
        "NOTLAGEN_MODE": "development",
        "DATABASE_URL": f"{base}/{database}",
        "CELERY_BROKER_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "DJANGO_SETTINGS_MODULE": "notlagen.settings",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(env: dict[str, str], *, fresh: bool = False) -> None:
    """Create (or recreate) the benchmark's database and migrate it, then set up Django."""
    import psycopg

    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()  # a fresh database may be dropped from under them
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    os.environ.update(env)
    import django

    django.setup()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(function: Callable[[], object], *, repeat: int, warmup: int = 3) -> dict[str, float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 95), 3),
        "max_ms": round(max(samples), 3),
        "runs": repeat,
    }


def measure_together(functions: dict[str, Callable[[], object]], *, repeat: int, warmup: int = 3) -> dict:
    """Time several ways of doing the same thing round-robin, so machine noise hits all alike."""
    for function in functions.values():
        for _ in range(warmup):
            function()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {
            "p50_ms": round(statistics.median(values), 3),
            "p95_ms": round(percentile(values, 95), 3),
            "max_ms": round(max(values), 3),
            "runs": repeat,
        }
        for name, values in samples.items()
    }


def write_result(name: str, result: dict) -> Path:
    result = {"benchmark": name, "when": datetime.now(UTC).isoformat(timespec="seconds"), **result}
    out = ROOT / "var" / "bench" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return out


def write_markdown(name: str, rows: list[dict]) -> Path:
    """A Markdown table of the rows (one column per key, in first-seen order) next to the JSON."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(column, "")) for column in columns) + " |" for row in rows]
    out = ROOT / "var" / "bench" / f"{name}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return out
