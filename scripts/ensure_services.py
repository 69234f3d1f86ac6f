"""Make sure the test suite has PostgreSQL, Redis and Chromium, and print the shell exports
that point the suite at them. Order: the URL given in the environment; else the local server;
else start it from installed binaries (a throwaway server for the run); else install it with
apt-get when root; else say in one line what to install. Messages go to stderr."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
THROWAWAY_PG_PORT = 54329
THROWAWAY_REDIS_PORT = 6389


def say(message: str) -> None:
    print(f"[ensure] {message}", file=sys.stderr)


def fail(message: str) -> None:
    print(f"[ensure] {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], **kwargs) -> bool:
    return (
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kwargs).returncode == 0
    )


_apt_updated = False


def apt_install(*packages: str) -> bool:
    global _apt_updated
    if not (IS_ROOT and shutil.which("apt-get")):
        return False
    say(f"installing {' '.join(packages)} with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        run(["apt-get", "update", "-qq"], env=env)
        _apt_updated = True
    return run(["apt-get", "install", "-y", "-qq", *packages], env=env)


# PostgreSQL ---------------------------------------------------------------------------------


def pg_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, dbname="postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def pg_start_cluster() -> bool:
    if not shutil.which("pg_ctlcluster") or not IS_ROOT:
        return False
    for version_dir in sorted(glob.glob("/etc/postgresql/*/main")):
        version = Path(version_dir).parent.name
        say(f"starting the installed PostgreSQL {version} cluster ...")
        run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    return True


def pg_throwaway() -> str | None:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        return None
    bindir = Path(binaries[-1]).parent
    datadir = Path(f"/tmp/notlagen-pg-{os.getuid()}")
    # initdb refuses to run as root; run the server as the postgres system user then.
    as_user = ["runuser", "-u", "postgres", "--"] if IS_ROOT else []
    if not (datadir / "PG_VERSION").exists():
        say(f"creating a throwaway PostgreSQL cluster in {datadir} ...")
        datadir.mkdir(parents=True, exist_ok=True)
        if IS_ROOT:
            shutil.chown(datadir, "postgres", "postgres")
        if not run([*as_user, str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust"]):
            return None
    run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-l",
            str(datadir / "server.log"),
            "-o",
            f"-p {THROWAWAY_PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start",
        ]
    )
    return f"postgres://postgres@127.0.0.1:{THROWAWAY_PG_PORT}/notlagen"


def ensure_postgres() -> str:
    given = os.environ.get("DATABASE_URL")
    if given:
        if not given.startswith(("postgres://", "postgresql://")):
            fail(f"DATABASE_URL must be a postgres:// URL for the tests, not {given.split(':')[0]}.")
        if pg_reachable(given):
            return given
        fail("DATABASE_URL is set but PostgreSQL does not answer there.")
    local = "postgres://postgres@127.0.0.1:5432/notlagen"
    if pg_reachable(local):
        return local
    if pg_start_cluster() and _wait(lambda: pg_reachable(local)):
        return local
    throwaway = pg_throwaway()
    if throwaway and _wait(lambda: pg_reachable(throwaway)):
        return throwaway
    if apt_install("postgresql") and pg_start_cluster() and _wait(lambda: pg_reachable(local)):
        return local
    fail("PostgreSQL is not reachable: install it (sudo apt-get install postgresql) or set DATABASE_URL.")
    raise AssertionError


# Redis --------------------------------------------------------------------------------------


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def redis_throwaway() -> str | None:
    binary = shutil.which("redis-server")
    if not binary:
        return None
    VAR.mkdir(exist_ok=True)
    say(f"starting a throwaway Redis on port {THROWAWAY_REDIS_PORT} ...")
    run(
        [
            binary,
            "--port",
            str(THROWAWAY_REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(VAR),
        ]
    )
    return f"redis://127.0.0.1:{THROWAWAY_REDIS_PORT}/15"


def ensure_redis() -> str:
    given = os.environ.get("REDIS_URL")
    if given:
        if redis_reachable(given):
            return given
        fail("REDIS_URL is set but Redis does not answer there.")
    local = "redis://127.0.0.1:6379/15"
    if redis_reachable(local):
        return local
    throwaway = redis_throwaway()
    if throwaway and _wait(lambda: redis_reachable(throwaway)):
        return throwaway
    if apt_install("redis-server"):
        throwaway = redis_throwaway()
        if throwaway and _wait(lambda: redis_reachable(throwaway)):
            return throwaway
    fail("Redis is not reachable: install it (sudo apt-get install redis-server) or set REDIS_URL.")
    raise AssertionError


# Chromium -----------------------------------------------------------------------------------


def ensure_chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if Path(path).exists():
        return path
    if apt_install("chromium") and Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    fail("Chromium is needed for the browser tests: sudo apt-get install chromium (or set CHROMIUM_PATH).")
    raise AssertionError


def ensure_poppler() -> None:
    """pdftoppm and pdftotext let the suite render the PDFs it produces (committee reports, data
    reports, payment notices); without them those checks fall back to reading the PDF's text."""
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return
    if not apt_install("poppler-utils"):
        say("poppler-utils missing: PDFs are checked by their text only (sudo apt-get install poppler-utils).")


def _wait(check, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def main() -> None:
    # `--services-only` (make bench): the databases, not the browser and PDF tools of the suite.
    services_only = "--services-only" in sys.argv[1:]
    exports = {"DATABASE_URL": ensure_postgres(), "REDIS_URL": ensure_redis()}
    if not services_only:
        exports["CHROMIUM_PATH"] = ensure_chromium()
        ensure_poppler()
    for name, value in exports.items():
        say(f"{name}={value}")
        print(f"export {name}='{value}'")


if __name__ == "__main__":
    main()
