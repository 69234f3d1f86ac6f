"""The auditors' search on the entry itself (issue 17): person and case through the `has` lookup
on both databases, found the moment an entry is written (unsealed), and each filter on its
index in newest-first order."""

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from audit import writer
from audit.filters import AccessLogFilter
from audit.models import AccessLogEntry, AccessLogSeal
from audit.selectors import entries_page, person_history
from privacy.assembly_log import entries_for

pytestmark = pytest.mark.django_db


def _entry(**fields):
    entry = writer.entry_for(actor=None, actor_name=fields.pop("actor_name", "t"), action="view", **fields)
    writer.save([entry])
    return entry


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_has_finds_one_id_or_any_of_several_on_postgresql():
    a = _entry(case_ids=[1, 2, 3], person_ids=[10])
    b = _entry(case_ids=list(range(3, 103)), person_ids=[11, 12])
    _entry(case_ids=[], person_ids=[])
    entries = AccessLogEntry.objects.all()
    assert _ids(entries.filter(case_ids__has=2)) == [a.pk]
    assert _ids(entries.filter(case_ids__has=3)) == [a.pk, b.pk]
    assert _ids(entries.filter(case_ids__has=102)) == [b.pk]
    assert _ids(entries.filter(person_ids__has=[12, 10])) == [a.pk, b.pk]
    assert _ids(entries.filter(person_ids__has=[99])) == []
    assert _ids(entries.filter(case_ids__has=[])) == []
    single = str(entries.filter(case_ids__has=2).query)
    several = str(entries.filter(case_ids__has=[2, 5]).query)
    assert "@>" in single
    assert "@?" in several and "@ == 2 || @ == 5" in several


def test_has_runs_on_sqlite_too():
    """The demo's path: the same queryset compiled for SQLite, run on an in-memory database."""
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    try:
        with sqlite.schema_editor() as editor:
            editor.create_model(AccessLogEntry)
        with sqlite.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")  # no agencies or users in this database
            for pk, cases in ((1, "[1, 2, 3]"), (2, "[3, 40]"), (3, "[]")):
                cursor.execute(
                    "INSERT INTO audit_accesslogentry (id, time, actor_name, action, object_type, object_ids, "
                    "case_ids, person_ids, basis, purpose, channel, request_id, user_agent, outcome) VALUES "
                    "(%s, '2026-01-01', 'x', 'view', '', '[]', %s, '[]', '', '', 'web', '', '', 'allowed')",
                    [pk, cases],
                )
        for value, expected in ((2, [1]), (3, [1, 2]), ([40, 1], [1, 2]), (7, [])):
            query = AccessLogEntry.objects.filter(case_ids__has=value).order_by("id").values_list("id").query
            sql, params = query.get_compiler(connection=sqlite).as_sql()
            assert "json_each" in sql
            with sqlite.cursor() as cursor:
                cursor.execute(sql, params)
                assert [row[0] for row in cursor.fetchall()] == expected
    finally:
        sqlite.close()


def test_an_entry_is_found_by_person_and_case_the_moment_it_is_written(django_user_model):
    before = AccessLogSeal.objects.count()
    entry = _entry(case_ids=list(range(500, 600)), person_ids=[4242], actor_name="frisch")
    assert AccessLogSeal.objects.count() == before  # nothing sealed in between

    def search(params):
        filterset = AccessLogFilter(params, queryset=AccessLogEntry.objects.all())
        assert filterset.is_valid(), filterset.errors
        return entries_page(filterset.qs, before=None)[0]

    assert [e.pk for e in search({"case": "550"})] == [entry.pk]
    assert [e.pk for e in person_history(person_id=4242)] == [entry.pk]
    assert [e.pk for e in entries_for(person_id=4242, case_ids=[])] == [entry.pk]
    assert [e.pk for e in entries_for(person_id=1, case_ids=[599, 7])] == [entry.pk]


# --- each filter on its index -------------------------------------------------------------------

FILL = """
INSERT INTO audit_accesslogentry (time, actor_name, agency_id, action, object_type, object_ids, case_ids,
    person_ids, basis, purpose, channel, request_id, user_agent, outcome)
SELECT now() - (i || ' seconds')::interval, 'user' || (i %% 400), NULL,
       (ARRAY['view','view','view','list','change','login','logout','search','print','create'])[1 + i %% 10],
       'case', '[]', jsonb_build_array(i %% 20000), jsonb_build_array(i %% 15000, (i * 7) %% 15000), '', '',
       CASE WHEN i %% 50 = 0 THEN 'api' ELSE 'web' END, '', '', CASE WHEN i %% 33 = 0 THEN 'denied' ELSE 'allowed' END
FROM generate_series(1, 60000) i
"""

EXPECTED = {
    "action": ({"action": "break_glass"}, "action_time_id_idx"),
    "channel": ({"channel": "command"}, "channel_time_id_idx"),
    "outcome": ({"outcome": "denied"}, "{month}_time_id_idx"),
    "actor": ({"actor": "user17"}, "actor_name_time_id_idx"),
    "case": ({"case": "4711"}, "case_ids_idx"),
}


def test_each_filter_reads_its_index():
    """On a month of 60,000 analysed entries each filter's first page reads the filter's index."""
    from .factories import AgencyFactory

    entries = AccessLogEntry.objects.all()
    searches = {name: AccessLogFilter(params, queryset=entries).qs for name, (params, _i) in EXPECTED.items()}
    searches["agency"] = AccessLogFilter({"agency": AgencyFactory().pk}, queryset=entries).qs
    searches["person"] = AccessLogEntry.objects.filter(person_ids__has=777)  # persons_matching gives the ids
    indexes = {name: index for name, (_p, index) in EXPECTED.items()}
    indexes |= {"agency": "agency_id_time_id_idx", "person": "person_ids_idx"}
    with connection.cursor() as cursor:
        cursor.execute(FILL, [])
        cursor.execute("ANALYZE audit_accesslogentry")
        filled = _entry(case_ids=[4711], actor_name="user17")
        cursor.execute("SELECT tableoid::regclass::text FROM audit_accesslogentry WHERE id = %s", [filled.pk])
        (month,) = cursor.fetchone()
        for name, queryset in searches.items():
            index = indexes[name].replace("{month}", month)
            sql, sql_params = queryset.order_by("-time", "-id")[:51].query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", sql_params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, f"{name}:\n{plan}"
            assert f"Seq Scan on {month} " not in plan, f"{name}:\n{plan}"  # the empty months cost nothing


def test_pages_go_on_below_the_last_entry_shown_in_time_order(monkeypatch):
    """Keyset pages newest first by (time, id): none skipped, none twice; an entry written later
    with an older time stands at its time."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from audit import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    written = [_entry(case_ids=[9]) for _ in range(7)]
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        late = _entry(case_ids=[9])
    seen, before = [], None
    while True:
        rows, before = entries_page(AccessLogEntry.objects.filter(case_ids__has=9), before=before)
        seen += [e.pk for e in rows]
        if before is None:
            break
    assert seen == [e.pk for e in reversed(written)] + [late.pk]
