"""The access log against a person with database access (issue: hardening the promises). The
probes connect as a PostgreSQL role of their own that does not own the tables — the way the
application should connect in production — and try what an insider would: delete through the
retention door, truncate, set the keeper's role; then, as the tables' owner (who can switch
triggers off), rewrite or cut off the chain and see verification catch it."""

import contextlib
import json
import os
import uuid

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Max

from audit import anchors, keys, sealing, writer
from audit.models import AccessLogEntry, AccessLogSeal, Verification
from audit.verification import run, verify
from notifications.models import Notification

from .factories import member

TABLES = ["audit_accesslogentry", "audit_accesslogchain", "audit_accesslogseal"]


def _connect(**overrides):
    db = django_settings.DATABASES["default"]
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db.get("PASSWORD") or None,
        "dbname": connection.settings_dict["NAME"],
    }
    params.update(overrides)
    return psycopg.connect(**params)


@pytest.fixture
def probe(transactional_db):
    """A login role with every table privilege on the log but no ownership: the application's
    own rights in production, and more (TRUNCATE)."""
    name = f"notlagen_probe_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {', '.join(TABLES)} TO {name}")
        cursor.execute(f"GRANT EXECUTE ON FUNCTION audit_apply_retention() TO {name}")
        cursor.execute(f"GRANT INSERT, UPDATE, DELETE ON audit_retention_mark TO {name}")
        cursor.execute(f"GRANT USAGE ON SEQUENCE audit_retention_mark_id_seq TO {name}")
    conn = _connect(user=name, password=None, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


def _log(n=5):
    for i in range(n):
        writer.write(actor=None, actor_name=f"probe-{i}", action="view", object_type="case", object_ids=[i + 1])


def _seal_all():
    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while sealing.seal_pending(up_to=top):
        pass


@pytest.fixture
def anchor_file(tmp_path, settings):
    settings.ACCESS_LOG_ANCHOR_FILE = str(tmp_path / "seals.jsonl")
    return settings.ACCESS_LOG_ANCHOR_FILE


def _refused(conn, sql):
    with pytest.raises(psycopg.Error) as raised:
        conn.execute(sql)
    return str(raised.value)


def test_the_retention_setting_no_longer_opens_a_door(probe):
    _log()
    count = AccessLogEntry.objects.count()
    probe.execute("SET notlagen.retention = 'on'")
    assert "append-only" in _refused(probe, "DELETE FROM audit_accesslogentry")
    assert "append-only" in _refused(probe, "UPDATE audit_accesslogentry SET purpose = 'x'")
    assert AccessLogEntry.objects.count() == count


def test_truncate_is_refused(probe):
    _log()
    for table in TABLES:
        assert "append-only" in _refused(probe, f"TRUNCATE {table} CASCADE")
    assert AccessLogEntry.objects.exists()


def test_the_keepers_role_cannot_be_taken(probe):
    assert "permission denied" in _refused(probe, "SET ROLE notlagen_log_keeper").lower()


def test_the_retention_function_cannot_be_fooled_into_deleting_young_entries(probe):
    """The adversary's recipe: an entry dated before last year, a forged seal over it, then the
    retention function. It goes by the database's own marks, which no session can write."""
    _log()
    _seal_all()
    count = AccessLogEntry.objects.count()
    probe.execute(
        "INSERT INTO audit_accesslogentry (time, actor_name, action, object_type, object_ids, case_ids, "
        "person_ids, basis, purpose, channel, request_id, user_agent, outcome) "
        "VALUES (now() - interval '5 years', 'x', 'view', '', '[]', '[]', '[]', '', '', 'web', '', '', 'allowed')"
    )
    top = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    probe.execute(
        "INSERT INTO audit_accesslogseal (first_entry_id, last_entry_id, count, previous_head, head, key_id, mac, "
        "sealed_at) VALUES (%s, %s, 1, '', '', 'x', '', now() - interval '5 years')",
        [top, top],
    )
    with pytest.raises(psycopg.Error, match="written by the database alone"):
        probe.execute("INSERT INTO audit_retention_mark (entry_id, at) VALUES (%s, now() - interval '5 years')", [top])
    removed, _up_to = probe.execute("SELECT * FROM audit_apply_retention()").fetchone()
    assert removed == 0 and AccessLogEntry.objects.count() == count + 1


def test_retention_still_removes_what_is_due(transactional_db, anchor_file):
    """Entries the database noted three years ago, sealed: the job removes them (and only them)
    and logs itself; the chain after them still verifies."""
    from audit.retention import apply_retention

    _log(4)
    _seal_all()
    old_top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    with _triggers_off() as cursor:  # what the database's hourly mark said three years ago
        cursor.execute(
            "INSERT INTO audit_retention_mark (entry_id, at) VALUES (%s, now() - interval '3 years')", [old_top]
        )
    _log(2)
    _seal_all()
    removed = apply_retention()
    assert removed == 4
    assert AccessLogEntry.objects.filter(action="retention").exists()
    assert AccessLogEntry.objects.filter(actor_name__startswith="probe-").count() == 2
    _seal_all()
    assert verify().ok


@contextlib.contextmanager
def _triggers_off():
    """The owner (here: the test's superuser) can switch the guards off: detection must hold."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            cursor.execute("SET session_replication_role = origin")


def _recompute_chain_from(entry_id, *, key=None):
    """What an attacker with database access does after editing an entry: recompute every link
    and seal after it (plain SHA-256, no key needed), and — with the key — the seals' MACs."""
    with _triggers_off() as cursor:
        previous = None
        for seal in AccessLogSeal.objects.order_by("first_entry_id"):
            if seal.last_entry_id < entry_id:
                previous = seal.head
                continue
            start = previous if previous is not None else seal.previous_head
            head = start
            entries = AccessLogEntry.objects.filter(id__gte=seal.first_entry_id, id__lte=seal.last_entry_id)
            for entry in entries.order_by("id"):
                head = sealing.link(head, entry)
                cursor.execute("UPDATE audit_accesslogchain SET digest = %s WHERE entry_id = %s", [head, entry.pk])
            fields = {
                "first_entry_id": seal.first_entry_id,
                "last_entry_id": seal.last_entry_id,
                "count": seal.count,
                "previous_head": start,
                "head": head,
            }
            mac = keys.mac(key, keys.seal_message(**fields)) if key is not None else seal.mac
            cursor.execute(
                "UPDATE audit_accesslogseal SET previous_head = %s, head = %s, mac = %s WHERE id = %s",
                [start, head, mac, seal.pk],
            )
            previous = head


def _sealed_with_anchors(n=6):
    _log(n)
    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while (seal := sealing.seal_pending(up_to=top, batch=3)) is not None:
        last_time = AccessLogEntry.objects.get(pk=seal.last_entry_id).time
        anchors.record(seal, last_time=last_time)  # as on_commit does after the sealing transaction


def test_a_rewritten_chain_without_the_key_is_found(db, anchor_file):
    _sealed_with_anchors()
    victim = AccessLogEntry.objects.order_by("id")[1]
    with _triggers_off() as cursor:
        cursor.execute("UPDATE audit_accesslogentry SET purpose = 'vertuscht' WHERE id = %s", [victim.pk])
    _recompute_chain_from(victim.pk)
    result = verify()
    assert not result.ok and result.code == "seal_forged"


def test_a_rewritten_chain_with_the_key_is_found_against_the_record_outside(db, anchor_file):
    _sealed_with_anchors()
    victim = AccessLogEntry.objects.order_by("id")[1]
    with _triggers_off() as cursor:
        cursor.execute("UPDATE audit_accesslogentry SET purpose = 'vertuscht' WHERE id = %s", [victim.pk])
    _recompute_chain_from(victim.pk, key=keys.current()[1])
    result = verify()
    assert not result.ok and result.code == "seal_rewritten"


def test_cutting_off_the_newest_seals_is_found(db, anchor_file):
    _sealed_with_anchors()
    last = AccessLogSeal.objects.order_by("-last_entry_id").first()
    with _triggers_off() as cursor:
        cursor.execute("DELETE FROM audit_accesslogchain WHERE entry_id >= %s", [last.first_entry_id])
        cursor.execute("DELETE FROM audit_accesslogentry WHERE id >= %s", [last.first_entry_id])
        cursor.execute("DELETE FROM audit_accesslogseal WHERE id = %s", [last.pk])
    result = verify()
    assert not result.ok and result.code == "seal_missing"
    assert result.params == {"first": last.first_entry_id, "last": last.last_entry_id}


def test_a_wiped_log_is_found(db, anchor_file):
    _sealed_with_anchors()
    with _triggers_off() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending FK checks
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
    result = verify()
    assert not result.ok and result.code == "seal_missing"


def test_the_record_outside_is_an_append_only_file_of_every_seal(db, anchor_file):
    _sealed_with_anchors(6)
    lines = [json.loads(line) for line in open(anchor_file, encoding="utf-8")]
    seals = list(AccessLogSeal.objects.order_by("first_entry_id").values_list("last_entry_id", "head", "mac"))
    assert [(line["last"], line["head"], line["mac"]) for line in lines] == seals
    assert verify().ok


def test_an_unknown_key_does_not_verify(db, anchor_file, settings):
    _sealed_with_anchors()
    settings.ACCESS_LOG_SEAL_KEYS = [("2099", "x" * 40)]
    result = verify()
    assert not result.ok and result.code == "seal_forged"


def test_a_rotated_key_still_verifies_older_seals(db, anchor_file, settings):
    _sealed_with_anchors(3)
    old = settings.ACCESS_LOG_SEAL_KEYS[0]
    settings.ACCESS_LOG_SEAL_KEYS = [("2027", "n" * 40), old]
    _sealed_with_anchors(3)
    assert {s.key_id for s in AccessLogSeal.objects.all()} == {old[0], "2027"}
    assert verify().ok


def test_a_failed_check_alerts_the_auditors(db, anchor_file):
    auditor = member("auditor")
    _sealed_with_anchors()
    with _triggers_off() as cursor:
        cursor.execute(
            "UPDATE audit_accesslogentry SET purpose = 'x' WHERE id = %s", [AccessLogEntry.objects.first().pk]
        )
    assert not run(by_name="test").ok
    assert Notification.objects.filter(recipient=auditor, kind="audit.integrity").exists()
    assert Verification.objects.latest("started_at").finding_code == "entry_changed"


# --- the sealing horizon ----------------------------------------------------------------------


def _other_database_with_an_open_write_transaction():
    """A long write transaction in another database of the same server (another application,
    a report): it holds an xid — and under the old, cluster-wide horizon it held sealing back."""
    conn = _connect(dbname="postgres")
    conn.execute("CREATE TEMP TABLE notlagen_long (x int)")
    conn.execute("INSERT INTO notlagen_long VALUES (1)")
    return conn


def test_unrelated_long_transactions_do_not_hold_sealing_back(transactional_db):
    stranger = _other_database_with_an_open_write_transaction()
    dump = _connect()  # a pg_dump of our own database: a long read-only snapshot
    dump.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    dump.execute("SELECT count(*) FROM audit_accesslogentry").fetchone()
    try:
        _log(3)
        top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
        sealing.advance_horizon()
        assert sealing.advance_horizon() >= top  # two runs, no wait for the strangers
    finally:
        stranger.close()
        dump.close()


def test_an_open_writer_of_the_application_holds_the_horizon(transactional_db):
    _log(1)
    late = _connect()
    try:
        late_id = late.execute(
            "INSERT INTO audit_accesslogentry (time, actor_name, action, object_type, object_ids, case_ids, "
            "person_ids, basis, purpose, channel, request_id, user_agent, outcome) "
            "VALUES (now(), 'late', 'view', '', '[]', '[]', '[]', '', '', 'job', '', '', 'allowed') RETURNING id"
        ).fetchone()[0]
        later = writer.write(actor=None, actor_name="b", action="view")  # a higher id commits first
        assert later.pk > late_id
        for _ in range(3):
            sealing.advance_horizon()
        assert sealing.advance_horizon() < late_id
        late.commit()
    finally:
        late.close()
    sealing.advance_horizon()
    top = sealing.advance_horizon()
    assert top >= later.pk
    while sealing.seal_pending(up_to=top):
        pass
    assert verify().ok


def test_sqlite_demo_has_the_same_guards(tmp_path):
    """The demo's SQLite: triggers refuse UPDATE and DELETE; only the retention job's flag lets a
    DELETE through (migrations run on a fresh file)."""
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "NOTLAGEN_MODE": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "notlagen.settings",
        "NOTLAGEN_VAR_DIR": str(tmp_path),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, cwd=django_settings.BASE_DIR)  # noqa: S603
    conn = sqlite3.connect(database)
    conn.execute(
        "INSERT INTO audit_accesslogentry (time, actor_name, action, object_type, object_ids, case_ids, person_ids, "
        "basis, purpose, channel, request_id, user_agent, outcome) VALUES "
        "('2026-01-01', 'x', 'view', '', '[]', '[]', '[]', '', '', 'web', '', '', 'allowed')"
    )
    for statement in ("UPDATE audit_accesslogentry SET purpose = 'x'", "DELETE FROM audit_accesslogentry"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(statement)
    conn.execute("CREATE TEMP TABLE notlagen_retention_running (x integer)")
    conn.execute("DELETE FROM audit_accesslogentry")
    conn.close()


def test_verification_names_the_finding_in_german(db):
    from django.utils import translation

    with translation.override("de"):
        record = Verification(finding_code="entry_removed", finding_params={"entry": 12})
        assert record.finding_text == "Eintrag 12 wurde entfernt."


def test_shell_runs_are_named_by_the_operating_system_user(db):
    import getpass

    from django.core.management import call_command

    call_command("verify_access_log")
    assert Verification.objects.latest("started_at").started_by_name == getpass.getuser()
