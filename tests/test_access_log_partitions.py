"""The access log partitioned by month (PostgreSQL, issue 17): partitions made ahead and owned by
the keeper, the append-only guards on every partition against a role that owns nothing, and
retention dropping whole months — never one that holds an entry younger than its proof."""

import uuid
from datetime import datetime

import psycopg
import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from audit import retention_sql, sealing, writer
from audit.models import AccessLogEntry
from audit.retention import apply_retention
from audit.verification import verify

PARENT = "audit_accesslogentry"


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchone()


def _partition_of(entry_id):
    return _one(f"SELECT tableoid::regclass::text FROM {PARENT} WHERE id = %s", [entry_id])[0]  # noqa: S608


def _exists(name):
    return _one("SELECT to_regclass(%s) IS NOT NULL", [name])[0]


def _log(n, **fields):
    return [
        writer.save([entry]) or entry
        for entry in (
            writer.entry_for(actor=None, actor_name=f"p-{i}", action="view", case_ids=[i], **fields) for i in range(n)
        )
    ]


def _seal_all():
    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while sealing.seal_pending(up_to=top):
        pass
    return top


def _marked_long_ago(entry_id):
    """What the database's hourly mark said three years ago (the owner can write it, triggers off)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "INSERT INTO audit_retention_mark (entry_id, at) VALUES (%s, now() - interval '3 years')", [entry_id]
        )
        cursor.execute("SET session_replication_role = origin")


def test_the_current_month_and_the_next_two_exist_owned_by_the_keeper(db):
    month_sql = "SELECT to_char(date_trunc('month', now() AT TIME ZONE %s) + %s * interval '1 month', 'YYYYMM')"
    months = [_one(month_sql, [django_settings.TIME_ZONE, i])[0] for i in range(3)]
    for name in [f"{PARENT}_p{m}" for m in months] + [f"{PARENT}_default", PARENT]:
        owner = _one("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [name])[0]
        assert owner == retention_sql.KEEPER, name
    assert _one("SELECT audit_create_log_partitions()")[0] == 0  # nothing left to make
    entry = _log(1)[0]
    assert _partition_of(entry.pk) == f"{PARENT}_p{months[0]}"


def test_an_odd_time_lands_in_the_default_partition_and_moves_into_its_month_later(db):
    with time_machine.travel(datetime(2031, 5, 5, 12, tzinfo=timezone.get_current_timezone()), tick=False):
        entry = _log(1)[0]
    assert _partition_of(entry.pk) == f"{PARENT}_default"
    assert _one("SELECT audit_create_log_partition('2031-05-01')")[0] == f"{PARENT}_p203105"
    assert _partition_of(entry.pk) == f"{PARENT}_p203105"
    assert _one(f"SELECT count(*) FROM {PARENT}_default")[0] == 0  # noqa: S608
    assert AccessLogEntry.objects.get(pk=entry.pk).actor_name == entry.actor_name


def _old_month(year=2022, month=3):
    _one("SELECT audit_create_log_partition(%s)", [f"{year}-{month:02}-01"])
    return f"{PARENT}_p{year}{month:02}"


def test_retention_drops_a_whole_month_past_the_horizon(db):
    partition = _old_month()
    with time_machine.travel(datetime(2022, 3, 15, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        old = _log(5)
    _seal_all()
    _marked_long_ago(old[-1].pk)
    young = _log(2)
    _seal_all()
    assert {_partition_of(e.pk) for e in old} == {partition}
    assert apply_retention() == 5
    assert not _exists(partition)
    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in young]).count() == 2
    assert AccessLogEntry.objects.filter(action="retention").exists()
    _seal_all()
    assert verify().ok


def test_a_young_entry_with_a_forged_old_time_keeps_its_month(db):
    """The proof covers ids up to the mark; an entry written later with a time in that month keeps
    the partition alive (expiry delayed, nothing young removed): the proven rows go one by one."""
    partition = _old_month()
    moment = datetime(2022, 3, 15, 10, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        old = _log(3)
    _seal_all()
    _marked_long_ago(old[-1].pk)
    with time_machine.travel(moment, tick=False):
        forged = _log(1, purpose="forged")[0]
    _seal_all()
    assert _partition_of(forged.pk) == partition
    assert apply_retention() == 3
    assert _exists(partition)
    assert list(AccessLogEntry.objects.filter(time__lt=timezone.now().replace(year=2023))) == [forged]


# --- the guards against a role that owns nothing ------------------------------------------------


@pytest.fixture
def probe(transactional_db):
    """A login role with every privilege on the parent, one month and the DEFAULT partition, but
    no ownership and no membership in the keeper: the application's rights in production and more."""
    name = f"notlagen_probe_{uuid.uuid4().hex[:8]}"
    month = _one(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass AND c.relname <> %s ORDER BY c.relname LIMIT 1",
        [PARENT, f"{PARENT}_default"],
    )[0]
    tables = [PARENT, month, f"{PARENT}_default"]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {', '.join(tables)} TO {name}")
    db = django_settings.DATABASES["default"]
    conn = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=name, dbname=connection.settings_dict["NAME"], autocommit=True
    )
    try:
        yield conn, tables
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


def _refused(conn, sql):
    with pytest.raises(psycopg.Error) as raised:
        conn.execute(sql)
    return str(raised.value)


def test_every_partition_refuses_change_delete_truncate_drop_and_detach(probe):
    conn, tables = probe
    entry = _log(1)[0]
    with time_machine.travel(datetime(2040, 1, 1, tzinfo=timezone.get_current_timezone()), tick=False):
        _log(1)  # the DEFAULT partition holds a row too
    count = AccessLogEntry.objects.count()
    for table in tables:
        assert "append-only" in _refused(conn, f"UPDATE {table} SET purpose = 'x'")  # noqa: S608
        assert "append-only" in _refused(conn, f"DELETE FROM {table}")  # noqa: S608
        assert "append-only" in _refused(conn, f"TRUNCATE {table}")
        assert "must be owner" in _refused(conn, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    for table in tables[1:]:
        assert "must be owner" in _refused(conn, f"DROP TABLE {table}")
        assert "must be owner" in _refused(conn, f"ALTER TABLE {PARENT} DETACH PARTITION {table}")
    assert "permission denied" in _refused(conn, "SELECT audit_create_log_partition('2001-01-01')")
    assert conn.execute("SELECT audit_create_log_partitions()").fetchone()[0] == 0  # harmless, allowed
    assert AccessLogEntry.objects.count() == count
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
