"""The case list as users meet it, on the synthetic city of bench.visible_cases (1,000,000 cases
by default): the whole `/faelle/` request through Django's test client — middleware, session,
access checks, the list, the template and the access-log insert — for four kinds of user and
every filter, plus the list's own queries against a hand-written SQL floor, the logging
overhead, and the cost of a case write (a note) with N grants.

Users: a Jobcenter member who sees ~5 % of the cases by grant (one agency), a member of the
Jobcenter and a counselling centre (two agencies), a social worker of an owning city office
(~5 % as owner), and a member of a city-wide office that sees every case.

    python -m bench.case_list [--cases 1000000] [--repeat 100] [--runs 3]

Each figure is `--repeat` samples per run (timed round-robin with its comparisons), the whole
set repeated `--runs` times: the p95 reported is the median of the runs' p95, with their spread
(about 30 figures × 300 requests take 12 minutes on two cores; `--repeat 1000 --runs 1` for
1,000 samples per p95). Writes
var/bench/case_list_<cases>.json and .md; fails when a request did not answer 200 or a page
came back empty where cases exist."""

from __future__ import annotations

import argparse
import statistics
from datetime import timedelta

from .common import ROOT, bench_environment, measure_together, prepare_database, write_result
from .visible_cases import build_city

CITYWIDE = "Bench-Stadtweit"
MULTI_USER = "bench-multi"


def enrich_city() -> None:
    """What the list's users need on top of the city (once per database): one assigned worker
    per case from its owning office, a city-wide office with a listing row on every case, and a
    user in two agencies. (Statuses and districts come with the city, bench.visible_cases.)"""
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.models import User
    from agencies.models import Agency, Membership
    from cases.access_sync import permission_ids
    from cases.models import ALWAYS_FROM, ALWAYS_UNTIL
    from cases.scopes import PERM_BASIC

    if Agency.objects.filter(name=CITYWIDE).exists():
        return
    print("enriching the city: assignments, a city-wide office, a user in two agencies ...", flush=True)
    basic = permission_ids()[PERM_BASIC]
    with transaction.atomic(), connection.cursor() as cursor:
        # One assigned worker per case: a social worker of the owning office.
        cursor.execute(
            "INSERT INTO cases_case_assigned_workers (case_id, user_id) "
            "SELECT c.id, (SELECT m.user_id FROM agencies_membership m WHERE m.agency_id = c.owner_agency_id "
            "ORDER BY m.user_id OFFSET (c.id / 20) % 50 LIMIT 1) FROM cases_case c"
        )
        group = Group.objects.create(name=f"agency:{CITYWIDE}")
        citywide = Agency.objects.create(name=CITYWIDE, kind="city_office", municipality="Benchstadt", group=group)
        user = User.objects.create(username="bench-citywide", password="!", last_name="Stadtweit")
        Membership.objects.create(user=user, agency=citywide, role="social_worker", status=Membership.Status.ACTIVE)
        user.groups.add(group)
        cursor.execute(
            "INSERT INTO cases_casegroupobjectpermission (permission_id, group_id, content_object_id, valid_from, "
            "valid_until, case_updated_at, case_status, case_district_id) "
            "SELECT %s, %s, id, %s, %s, updated_at, status, district_id FROM cases_case",
            [basic, group.pk, ALWAYS_FROM, ALWAYS_UNTIL],
        )
        jobcenter = Agency.objects.get(name="Bench-Träger 000")
        counselling = Agency.objects.get(name="Bench-Träger 021")
        multi = User.objects.create(username=MULTI_USER, password="!", last_name="Zwei Stellen")
        for agency in (jobcenter, counselling):
            Membership.objects.create(user=multi, agency=agency, role="partner_staff", status=Membership.Status.ACTIVE)
            multi.groups.add(agency.group)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def users() -> dict:
    from accounts.models import User

    return {
        "jobcenter (one agency, ~5 %)": User.objects.filter(memberships__agency__name="Bench-Träger 000")
        .exclude(username=MULTI_USER)
        .first(),
        "two agencies": User.objects.get(username=MULTI_USER),
        "owning office (~5 %)": User.objects.filter(memberships__agency__name="Bench-Träger 001").first(),
        "city-wide (all cases)": User.objects.get(username="bench-citywide"),
    }


def filters_for(user) -> dict[str, dict]:
    from django.utils import timezone

    from agencies.models import District
    from agencies.selectors import case_workers_of

    district = District.objects.filter(municipality="Benchstadt").order_by("name").first()
    choices = {
        "no filter": {},
        "status=open": {"status": "open"},
        "status=closed": {"status": "closed"},
        "district": {"district": district.pk},
        "changed in the last 30 days": {"updated_since": (timezone.localdate() - timedelta(days=30)).isoformat()},
        "status+district": {"status": "active", "district": district.pk},
    }
    worker = case_workers_of(user=user).filter(assigned_cases__isnull=False).first()
    if worker is not None:
        choices["assigned worker"] = {"assigned": worker.pk}
    return choices


def _client(user):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _get(client, params: dict):
    def request():
        response = client.get("/faelle/", params)
        if response.status_code != 200 or b'href="/faelle/' not in response.content:
            raise SystemExit(f"/faelle/ {params} answered {response.status_code} without cases: nothing measured")
        return response

    return request


def _deep_cursor(user, pages: int) -> str:
    from cases.listing import CaseListFilters, case_list_page

    cursor = None
    for _ in range(pages):
        cursor = case_list_page(user=user, filters=CaseListFilters(), older=cursor).older
    return cursor


def _list_vs_floor(user, repeat: int) -> dict:
    """The list's own query for a member of one agency (its listing rows joined to the cases,
    not logged) against a hand-written join over the same index, for the same 50 rows."""
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from agencies.selectors import case_group_ids_of
    from cases.access_sync import permission_ids
    from cases.listing import CaseListFilters, listing_condition
    from cases.models import Case
    from cases.scopes import PERM_BASIC
    from cases.selectors import CASE_LIST_FIELDS

    (group,) = case_group_ids_of(user)
    floor_sql = (
        "SELECT c.id, c.reference, c.title, c.status, c.updated_at, c.person_id, c.owner_agency_id, "
        "c.district_id, p.id, p.given_name, p.family_name, p.alias "
        "FROM cases_casegroupobjectpermission g JOIN cases_case c ON c.id = g.content_object_id "
        "JOIN cases_person p ON p.id = c.person_id "
        "WHERE g.group_id = %s AND g.permission_id = %s AND g.valid_from <= now() AND g.valid_until > now() "
        "ORDER BY g.case_updated_at DESC, g.content_object_id DESC LIMIT 50"
    )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [group, permission_ids()[PERM_BASIC]])
            return cursor.fetchall()

    via = "casegroupobjectpermission__"

    def ours():  # the list's query for a member of one agency, with the floor's columns
        condition = listing_condition(group_id=group, filters=CaseListFilters(), now=timezone.now(), via=via)
        cases = Case.objects.filter(condition).annotate(listed_at=F(f"{via}case_updated_at"))
        return list(
            cases.order_by("-listed_at", "-pk").select_related("person").only(*CASE_LIST_FIELDS).unreported()[:50]
        )

    assert [c.pk for c in ours()] == [row[0] for row in floor()]
    figures = measure_together({"ours": ours, "sql_floor": floor}, repeat=repeat)
    figures["ours_vs_floor_p95"] = round(figures["ours"]["p95_ms"] / figures["sql_floor"]["p95_ms"], 2)
    return figures


def _note_write(user, repeat: int) -> dict:
    """A note on a case that N other agencies see (each with every scope: 4 permission rows),
    for N = 0, 10, 50: the whole note_add, and the permission-row write it carries against
    the write before this change (every row of the case rewritten)."""
    from django.utils import timezone

    from agencies.models import Agency
    from cases import services
    from cases.access_sync import case_touch, listing_copies, permission_ids
    from cases.models import Case, CaseGroupObjectPermission
    from cases.scopes import ALL_SCOPE_PERMISSIONS

    partners = list(Agency.objects.filter(kind="counselling_centre").order_by("pk")[:50])
    cases = Case.objects.filter(owner_agency__memberships__user=user).order_by("-pk")
    figures = {}
    for n, case in zip((0, 10, 50), cases[:3], strict=True):
        now = timezone.now()
        CaseGroupObjectPermission.objects.filter(content_object=case).exclude(
            group__agency__memberships__user=user
        ).delete()
        CaseGroupObjectPermission.objects.bulk_create(
            CaseGroupObjectPermission(
                content_object=case,
                group_id=agency.group_id,
                permission_id=permission_ids()[codename],
                valid_from=now - timedelta(days=1),
                valid_until=now + timedelta(days=90),
                **listing_copies(case, permission_ids()[codename]),
            )
            for agency in partners[:n]
            for codename in ALL_SCOPE_PERMISSIONS
        )
        rows = CaseGroupObjectPermission.objects.filter(content_object=case)

        def note(case=case):
            services.note_add(actor=user, case=case, category="general", text="Telefonat, Termin vereinbart")

        def touch_now(case=case):
            case_touch(case.pk)

        def touch_before(case=case, rows=rows):
            when = case_touch(case.pk)
            rows.update(case_updated_at=when)

        listing = rows.filter(case_status__isnull=False).count()  # what the trigger rewrites
        timed = measure_together(
            {"note_add": note, "touch_now": touch_now, "touch_before": touch_before}, repeat=repeat
        )
        figures[f"{n} agencies"] = {
            "permission_rows": rows.count(),
            "rows_written_per_note_now": listing,
            "rows_written_per_note_before": rows.count(),
            **timed,
        }
    return figures


def _combine(runs: list[dict]) -> dict:
    combined = {}
    for name in runs[0]:
        p95s = [run[name]["p95_ms"] for run in runs]
        combined[name] = {
            "p50_ms": round(statistics.median(run[name]["p50_ms"] for run in runs), 3),
            "p95_ms": round(statistics.median(p95s), 3),
            "p95_spread_ms": [min(p95s), max(p95s)],
            "samples": sum(run[name]["runs"] for run in runs),
        }
    return combined


def run(repeat: int, runs: int) -> dict:
    from unittest import mock

    requests = {}
    for label, user in users().items():
        client = _client(user)
        functions = {name: _get(client, params) for name, params in filters_for(user).items()}
        functions["page 21 (keyset cursor)"] = _get(client, {"nach": _deep_cursor(user, 20)})
        print(f"measuring /faelle/ as {label} ...", flush=True)
        requests[label] = _combine([measure_together(functions, repeat=repeat) for _ in range(runs)])
    people = users()
    jobcenter = people["jobcenter (one agency, ~5 %)"]
    client = _client(jobcenter)
    logged = _get(client, {})

    def unlogged():
        with mock.patch("audit.writer.save"):
            return logged()

    overhead = measure_together({"logged": logged, "log insert skipped": unlogged}, repeat=repeat)
    overhead["overhead_p95"] = round(overhead["logged"]["p95_ms"] / overhead["log insert skipped"]["p95_ms"] - 1, 3)
    return {
        "requests": requests,
        "list_vs_sql_floor": {
            label: _list_vs_floor(people[label], repeat)
            for label in ("jobcenter (one agency, ~5 %)", "city-wide (all cases)")
        },
        "logging_overhead": overhead,
        "note_write": _note_write(people["owning office (~5 %)"], max(100, repeat // 5)),
    }


def markdown(result: dict) -> str:
    lines = [
        f"# Case list on {result['cases']:,} cases — whole request p50/p95 (ms)",
        "",
        "| user | filter | p50 | p95 | p95 spread | samples |",
        "|---|---|---:|---:|---|---:|",
    ]
    for user, figures in result["requests"].items():
        for name, f in figures.items():
            spread = "–".join(f"{v:.1f}" for v in f["p95_spread_ms"])
            lines.append(f"| {user} | {name} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {spread} | {f['samples']} |")
    lines += ["", "| list queries vs SQL floor | ours p95 | floor p95 | ratio |", "|---|---:|---:|---:|"]
    for user, f in result["list_vs_sql_floor"].items():
        lines.append(
            f"| {user} | {f['ours']['p95_ms']:.2f} | {f['sql_floor']['p95_ms']:.2f} | {f['ours_vs_floor_p95']} |"
        )
    o = result["logging_overhead"]
    lines += [
        "",
        f"Logging overhead at p95: {o['overhead_p95']:.1%} "
        f"({o['logged']['p95_ms']:.1f} ms logged, {o['log insert skipped']['p95_ms']:.1f} ms without the insert)",
        "",
        "| note with N other agencies | rows written now | before | note_add p95 | touch now p95 | touch before p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for n, f in result["note_write"].items():
        lines.append(
            f"| {n} | {f['rows_written_per_note_now']} | {f['rows_written_per_note_before']} | "
            f"{f['note_add']['p95_ms']:.1f} | {f['touch_now']['p95_ms']:.2f} | {f['touch_before']['p95_ms']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    env = bench_environment(f"notlagen_bench_access_{args.cases}")
    prepare_database(env)
    from cases.models import Case

    if Case.objects.count() != args.cases:
        prepare_database(env, fresh=True)
        build_city(args.cases)
    enrich_city()
    figures = run(args.repeat, args.runs)
    name = f"case_list_{args.cases}"
    result = {"cases": args.cases, "repeat": args.repeat, "runs": args.runs, **figures}
    write_result(name, result)
    (ROOT / "var" / "bench" / f"{name}.md").write_text(markdown(result))


if __name__ == "__main__":
    main()
