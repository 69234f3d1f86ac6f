"""Run Django in a separate process with a chosen environment (settings are read at start-up)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "REDIS_URL")


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: os.environ[k] for k in _PASSED_THROUGH if k in os.environ}
    environment.setdefault("DJANGO_SETTINGS_MODULE", "notlagen.settings")
    environment.update(env)
    script = f"import django; django.setup(); {code}"
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: os.environ[k] for k in _PASSED_THROUGH if k in os.environ}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
