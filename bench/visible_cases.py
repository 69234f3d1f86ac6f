"""Visible-case list on a synthetic city, three ways in one run:

  (a) our selector (cases.selectors.cases_visible_to over the direct foreign-key guardian rows,
      with each grant's validity window checked at read time),
  (b) django-guardian's stock get_objects_for_user / ObjectPermissionChecker over its generic
      permission tables (the same rows, copied into guardian_groupobjectpermission),
  (c) a hand-written SQL floor over the same data with the best index (no window check).

Measures for a Jobcenter user who sees ~5 % of all cases: the first page (50 rows), the count,
and a case-detail permission check. Prints p50/p95 and ratios, writes var/bench/visible_cases.json.

    python -m bench.visible_cases [--cases 100000] [--rebuild] [--repeat 200]
"""

from __future__ import annotations

import argparse
import io
import random
from datetime import timedelta

from .common import bench_environment, measure_together, prepare_database, write_result

OWNER_AGENCIES = 20
AGENCIES = 100
USERS = 5000
JOBCENTER_SHARE = 0.05
OTHER_GRANT_SHARE = 0.05
DISTRICTS = 12
STATUS_BY_TENTH = ["open"] * 2 + ["active"] * 3 + ["closed"] * 5  # closed cases dominate a city's files


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def build_city(cases: int, seed: int = 7) -> None:
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from agencies.models import Agency, District, Membership
    from cases.access_sync import permission_ids
    from cases.models import ALWAYS_FROM, ALWAYS_UNTIL, Case
    from cases.scopes import ALL_SCOPE_PERMISSIONS, PERM_BASIC

    rng = random.Random(seed)
    now = timezone.now()
    print(f"building a synthetic city with {cases:,} cases ...", flush=True)
    with transaction.atomic():
        agencies = []
        for i in range(AGENCIES):
            group = Group.objects.create(name=f"agency:bench-{i}")
            kind = "jobcenter" if i == 0 else ("city_office" if i <= OWNER_AGENCIES else "counselling_centre")
            agencies.append(Agency(name=f"Bench-Träger {i:03d}", kind=kind, municipality="Benchstadt", group=group))
        Agency.objects.bulk_create(agencies)
        agencies = list(Agency.objects.order_by("name"))
        users = User.objects.bulk_create(
            [User(username=f"bench-{i:05d}", password="!", last_name=f"Bench {i}") for i in range(USERS)]
        )
        memberships, user_groups = [], []
        for i, user in enumerate(users):
            agency = agencies[i % AGENCIES]
            role = "partner_staff" if agency.kind != "city_office" else "social_worker"
            memberships.append(Membership(user=user, agency=agency, role=role, status=Membership.Status.ACTIVE))
            user_groups.append(User.groups.through(user_id=user.pk, group_id=agency.group_id))
        Membership.objects.bulk_create(memberships)
        User.groups.through.objects.bulk_create(user_groups)

        perms = permission_ids()
        districts = [
            District.objects.create(municipality="Benchstadt", name=f"Bezirk {i:02d}").pk for i in range(DISTRICTS)
        ]

        def status_of(case_id: int) -> str:  # mixed within every owning office (owner: id % 20)
            return STATUS_BY_TENTH[(case_id + case_id // 20) % 10]

        def district_of(case_id: int) -> int:
            return districts[(case_id // 10) % DISTRICTS]

        owner_groups = [a.group_id for a in agencies[1 : OWNER_AGENCIES + 1]]
        partner_groups = [a.group_id for a in agencies[OWNER_AGENCIES + 1 :]]
        jobcenter_group = agencies[0].group_id
        case_type = ContentType.objects.get_for_model(Case).pk
        with connection.cursor() as cursor:
            raw = cursor.cursor
            start_id = 1
            _copy(
                raw,
                "cases_person",
                [
                    "id",
                    "given_name",
                    "family_name",
                    "alias",
                    "birth_date",
                    "family_phonetic",
                    "given_phonetic",
                    "owner_agency_id",
                    "created_at",
                    "updated_at",
                ],
                (
                    (
                        i,
                        "Vorname",
                        f"Name{i}",
                        "",
                        None,
                        str(i % 9999),
                        "",
                        agencies[1 + i % OWNER_AGENCIES].pk,
                        now,
                        now,
                    )
                    for i in range(start_id, start_id + cases)
                ),
            )
            updated = [now - timedelta(seconds=rng.randrange(0, 3 * 365 * 86400)) for _ in range(cases)]
            _copy(
                raw,
                "cases_case",
                [
                    "id",
                    "reference",
                    "person_id",
                    "owner_agency_id",
                    "title",
                    "summary",
                    "status",
                    "district_id",
                    "closed_reason",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                (
                    (
                        i,
                        f"B-{i:07d}",
                        i,
                        agencies[1 + i % OWNER_AGENCIES].pk,
                        "Anlass",
                        "",
                        status_of(i),
                        district_of(i),
                        "",
                        1,
                        updated[i - 1],
                        updated[i - 1],
                    )
                    for i in range(start_id, start_id + cases)
                ),
            )
            rows = []
            until = now + timedelta(days=180)
            for i in range(start_id, start_id + cases):
                owner_group = owner_groups[i % OWNER_AGENCIES]
                # The listing row (basic permission) carries the case's copies, the others NULL.
                copies = (updated[i - 1], status_of(i), district_of(i))
                for codename in ALL_SCOPE_PERMISSIONS:
                    listed = copies if codename == PERM_BASIC else (None, None, None)
                    rows.append((perms[codename], owner_group, i, ALWAYS_FROM, ALWAYS_UNTIL, *listed))
                if rng.random() < JOBCENTER_SHARE:
                    rows.append((perms[PERM_BASIC], jobcenter_group, i, now - timedelta(days=1), until, *copies))
                if rng.random() < OTHER_GRANT_SHARE:
                    rows.append(
                        (
                            perms[PERM_BASIC],
                            rng.choice(partner_groups),
                            i,
                            now - timedelta(days=1),
                            until,
                            *copies,
                        )
                    )
            _copy(
                raw,
                "cases_casegroupobjectpermission",
                [
                    "permission_id",
                    "group_id",
                    "content_object_id",
                    "valid_from",
                    "valid_until",
                    "case_updated_at",
                    "case_status",
                    "case_district_id",
                ],
                rows,
            )
            # The same rows in guardian's generic table, for (b).
            _copy(
                raw,
                "guardian_groupobjectpermission",
                ["permission_id", "group_id", "content_type_id", "object_pk"],
                ((perm, group, case_type, str(case_id)) for perm, group, case_id, *_rest in rows),
            )
            for table in ("cases_person", "cases_case"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {start_id + cases})")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built: {len(rows):,} permission rows in each model", flush=True)


def run(repeat: int) -> dict:
    from django.db import connection
    from django.utils import timezone
    from guardian.core import ObjectPermissionChecker
    from guardian.shortcuts import get_objects_for_user

    from access.case_access import case_permissions_by_agency
    from accounts.models import User
    from agencies.models import Agency
    from audit.context import AccessContext, collected
    from cases.access_sync import permission_ids
    from cases.listing import COUNT_BOUND, CaseListFilters, bounded_count, listing_rows
    from cases.models import Case, CaseGroupObjectPermission
    from cases.scopes import PERM_BASIC
    from cases.selectors import CASE_LIST_FIELDS, cases_visible_to

    jobcenter = Agency.objects.get(name="Bench-Träger 000")
    user = User.objects.filter(memberships__agency=jobcenter).first()
    visible_ids = list(
        CaseGroupObjectPermission.objects.filter(group_id=jobcenter.group_id).values_list(
            "content_object_id", flat=True
        )
    )
    rng = random.Random(11)
    perm_id = permission_ids()[PERM_BASIC]

    def ours_page():
        # The selector alone: its list logging switched off, as before the access layer logged lists.
        return list(cases_visible_to(user=user).unreported().select_related("person").only(*CASE_LIST_FIELDS)[:50])

    def ours_page_logged():
        # As a request reads it: the rows reported and the log entry inserted at the end.
        with collected(AccessContext(channel="web")):
            return list(cases_visible_to(user=user).select_related("person").only(*CASE_LIST_FIELDS)[:50])

    def ours_count():  # the list's count: exact up to COUNT_BOUND, then "more than"
        return bounded_count([listing_rows(group_id=jobcenter.group_id, filters=CaseListFilters(), now=timezone.now())])

    def ours_check():
        return any(
            PERM_BASIC in p for p in case_permissions_by_agency(user=user, case_id=rng.choice(visible_ids)).values()
        )

    # (b): guardian over its generic tables; switching off the direct model is guardian's own knob.
    def stock_page():
        CaseGroupObjectPermission.enabled = False
        try:
            qs = get_objects_for_user(
                user,
                "cases.view_case_basic",
                klass=Case,
                use_groups=True,
                with_superuser=False,
                accept_global_perms=False,
            )
            return list(qs.select_related("person").only(*CASE_LIST_FIELDS).order_by("-updated_at", "-pk")[:50])
        finally:
            del CaseGroupObjectPermission.enabled

    def stock_count():
        CaseGroupObjectPermission.enabled = False
        try:
            return get_objects_for_user(
                user,
                "cases.view_case_basic",
                klass=Case,
                use_groups=True,
                with_superuser=False,
                accept_global_perms=False,
            ).count()
        finally:
            del CaseGroupObjectPermission.enabled

    cases_by_id = {}

    def stock_check():
        CaseGroupObjectPermission.enabled = False
        try:
            case_id = rng.choice(visible_ids)
            case = cases_by_id.get(case_id) or Case(pk=case_id)
            return ObjectPermissionChecker(user).has_perm("view_case_basic", case)
        finally:
            del CaseGroupObjectPermission.enabled

    floor_list_sql = (
        "SELECT c.id, c.reference, c.title, c.status, c.updated_at, c.person_id, c.owner_agency_id, "
        "c.district_id, p.id, p.given_name, p.family_name, p.alias "
        "FROM cases_casegroupobjectpermission g JOIN cases_case c ON c.id = g.content_object_id "
        "JOIN cases_person p ON p.id = c.person_id "
        "WHERE g.group_id = %s AND g.permission_id = %s "
        "ORDER BY g.case_updated_at DESC, g.content_object_id DESC LIMIT 50"
    )

    def floor_page():
        with connection.cursor() as cursor:
            cursor.execute(floor_list_sql, [jobcenter.group_id, perm_id])
            return cursor.fetchall()

    def floor_count():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM cases_casegroupobjectpermission WHERE group_id = %s AND permission_id = %s",
                [jobcenter.group_id, perm_id],
            )
            return cursor.fetchone()[0]

    def floor_check():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM cases_casegroupobjectpermission WHERE group_id = %s AND permission_id = %s "
                "AND content_object_id = %s",
                [jobcenter.group_id, perm_id, rng.choice(visible_ids)],
            )
            return cursor.fetchone() is not None

    # Same answers before timing anything.
    assert [c.pk for c in ours_page()] == [c.pk for c in stock_page()] == [r[0] for r in floor_page()]
    assert stock_count() == floor_count() == len(set(visible_ids))
    assert ours_count() == (min(floor_count(), COUNT_BOUND), floor_count() > COUNT_BOUND)
    assert ours_check() and stock_check() and floor_check()

    results = {
        "first_page": measure_together(
            {
                "ours": ours_page,
                "ours_logged": ours_page_logged,
                "guardian_generic": stock_page,
                "sql_floor": floor_page,
            },
            repeat=repeat,
        ),
        "count": measure_together(
            {"ours": ours_count, "guardian_generic": stock_count, "sql_floor": floor_count}, repeat=repeat
        ),
        "detail_check": measure_together(
            {"ours": ours_check, "guardian_generic": stock_check, "sql_floor": floor_check}, repeat=repeat
        ),
    }
    for figures in results.values():
        ours, stock, floor = (
            figures["ours"]["p95_ms"],
            figures["guardian_generic"]["p95_ms"],
            figures["sql_floor"]["p95_ms"],
        )
        figures["ours_vs_floor_p95"] = round(ours / floor, 2) if floor else None
        figures["guardian_vs_ours_p95"] = round(stock / ours, 1) if ours else None
    return {"visible_cases": len(set(visible_ids)), **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the synthetic city")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    env = bench_environment(f"notlagen_bench_access_{args.cases}")
    prepare_database(env, fresh=args.rebuild)
    from cases.models import Case

    if Case.objects.count() != args.cases:
        prepare_database(env, fresh=True)
        build_city(args.cases)
    figures = run(args.repeat)
    write_result(
        f"visible_cases_{args.cases}",
        {"cases": args.cases, "agencies": AGENCIES, "users": USERS, "jobcenter_share": JOBCENTER_SHARE, **figures},
    )
    for name in ("first_page", "count", "detail_check"):
        f = figures[name]
        print(
            f"{name:13s} ours p50 {f['ours']['p50_ms']:8.3f} p95 {f['ours']['p95_ms']:8.3f} ms | "
            f"floor p95 {f['sql_floor']['p95_ms']:8.3f} | guardian p95 {f['guardian_generic']['p95_ms']:9.3f} | "
            f"ours/floor {f['ours_vs_floor_p95']} | guardian/ours {f['guardian_vs_ours_p95']}x"
        )


if __name__ == "__main__":
    main()
