"""The demo runs on SQLite (the embedded default), the suite on PostgreSQL: this opens the main
pages of the demo, as each demo role, on a fresh SQLite database, so a query only PostgreSQL
accepts cannot hide until someone runs `make demo`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_pages_answer_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "NOTLAGEN_MODE": "demo",
        "DJANGO_SETTINGS_MODULE": "notlagen.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
        "NOTLAGEN_DEMO_RELAX_SECOND_FACTOR": "true",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "tests" / "scripts" / "demo_pages.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok"), result.stdout[-3000:]
