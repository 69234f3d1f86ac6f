"""The case list from the permission rows (cases.listing): the copies on the listing rows follow
the case whoever writes it, keyset pages and the bounded count, users in two agencies, every
filter against a brute-force answer, and the write path that leaves other rows alone."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from agencies.models import District
from agencies.roles import Role
from agencies.services import membership_add
from cases import grants, listing, services
from cases.access_sync import case_touch, permission_ids
from cases.listing import CaseListFilters, case_list_page
from cases.models import Case, CaseGroupObjectPermission
from cases.scopes import PERM_BASIC

from .conftest import login
from .factories import AgencyFactory, member
from .world import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(statute):
    """A city office with 14 cases (statuses, districts, an assigned worker, spread change
    times), and a Jobcenter that sees five of them by grant, one of which has expired."""
    owner = AgencyFactory(name="Amt")
    jobcenter = AgencyFactory(name="Jobcenter", kind="jobcenter")
    worker = member(Role.SOCIAL_WORKER, owner, username="sw")
    lead = member(Role.TEAM_LEAD, owner, username="lead")
    partner = member(Role.PARTNER_STAFF, jobcenter, username="jc")
    both = member(Role.SOCIAL_WORKER, owner, username="both")
    membership_add(user=both, agency=jobcenter, role=Role.PARTNER_STAFF)
    north = District.objects.create(municipality="Teststadt", name="Nord")
    cases = []
    now = timezone.now()
    for i in range(14):
        case = open_case(worker, family_name=f"Muster{i:02d}")
        status = ("open", "active", "closed")[i % 3]
        Case.objects.filter(pk=case.pk).update(
            status=status, district=north if i % 4 == 0 else None, updated_at=now - timedelta(hours=i)
        )
        if i in (2, 5):
            case.assigned_workers.add(worker)
        cases.append(Case.objects.get(pk=case.pk))
    for i in (1, 3, 4, 6, 9):
        grant = grants.grant_create(
            actor=worker,
            case=cases[i],
            grantee_agency=jobcenter,
            scope="basic",
            purpose="Prüfung",
            valid_until=now + timedelta(days=5),
            statute=statute,
        )
        grants.grant_approve(actor=lead, grant=grant)
    CaseGroupObjectPermission.objects.filter(content_object=cases[9], group__agency=jobcenter).update(
        valid_until=now - timedelta(minutes=1)
    )
    return {"worker": worker, "partner": partner, "both": both, "cases": cases, "north": north}


@pytest.fixture
def statute():
    from cases.models import Statute

    return Statute.objects.create(code="§ 69 SGB X", title="Aufgaben")


def _expected(user, filters: CaseListFilters) -> list[int]:
    """Brute force: every case of the user's agencies' live basic rows, filtered on the case."""
    from agencies.selectors import case_group_ids_of

    now = timezone.now()
    ids = set(
        CaseGroupObjectPermission.objects.filter(
            group_id__in=case_group_ids_of(user),
            permission_id=permission_ids()[PERM_BASIC],
            valid_from__lte=now,
            valid_until__gt=now,
        ).values_list("content_object_id", flat=True)
    )
    cases = Case.objects.filter(pk__in=ids)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.district_id:
        cases = cases.filter(district_id=filters.district_id)
    if filters.assigned_id:
        cases = cases.filter(assigned_workers=filters.assigned_id)
    return list(cases.order_by("-updated_at", "-pk").values_list("pk", flat=True))


def _walk(user, filters, monkeypatch, size=4) -> list[int]:
    monkeypatch.setattr(listing, "PAGE_SIZE", size)
    seen, cursor = [], None
    while True:
        page = case_list_page(user=user, filters=filters, older=cursor)
        seen += [case.pk for case in page.cases]
        if page.older is None:
            return seen
        cursor = page.older


@pytest.mark.parametrize("who", ["worker", "partner", "both"])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "open"},
        {"status": "closed"},
        {"district": True},
        {"assigned": True},
        {"status": "active", "district": True},
    ],
)
def test_every_filter_pages_through_exactly_what_the_user_may_see(city, monkeypatch, who, filters):
    user = city[who]
    wanted = CaseListFilters(
        status=filters.get("status", ""),
        district_id=city["north"].pk if filters.get("district") else None,
        assigned_id=city["worker"].pk if filters.get("assigned") else None,
    )
    assert _walk(user, wanted, monkeypatch) == _expected(user, wanted)
    page = case_list_page(user=user, filters=wanted)
    assert (page.count, page.more_than_bound) == (len(_expected(user, wanted)), False)


def test_the_partner_sees_granted_cases_only_while_the_grant_runs(city):
    page = case_list_page(user=city["partner"], filters=CaseListFilters())
    assert [c.pk for c in page.cases] == [city["cases"][i].pk for i in (1, 3, 4, 6)]


def test_a_case_seen_by_both_agencies_of_a_user_is_listed_once(city, monkeypatch):
    ids = _walk(city["both"], CaseListFilters(), monkeypatch, size=3)
    assert len(ids) == len(set(ids)) == 14


def test_newer_pages_lead_back_to_the_first(city, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    first = case_list_page(user=city["worker"], filters=CaseListFilters())
    second = case_list_page(user=city["worker"], filters=CaseListFilters(), older=first.older)
    third = case_list_page(user=city["worker"], filters=CaseListFilters(), older=second.older)
    back = case_list_page(user=city["worker"], filters=CaseListFilters(), newer=third.newer)
    assert [c.pk for c in back.cases] == [c.pk for c in second.cases] and back.newer and back.older
    assert [c.pk for c in case_list_page(user=city["worker"], filters=CaseListFilters(), newer=back.newer).cases] == [
        c.pk for c in first.cases
    ]
    assert first.newer is None


def test_the_count_stops_at_its_bound(city, monkeypatch, client):
    monkeypatch.setattr(listing, "COUNT_BOUND", 5)
    page = case_list_page(user=city["both"], filters=CaseListFilters())
    assert (page.count, page.more_than_bound) == (5, True)
    login(client, city["worker"])
    assert "Mehr als 5 Fälle" in client.get("/faelle/").content.decode()
    assert "4 Fälle" in client.get("/faelle/", {"district": city["north"].pk}).content.decode()


def test_copies_follow_the_case_whoever_writes_it(city):
    case = city["cases"][1]
    rows = CaseGroupObjectPermission.objects.filter(content_object=case)
    basic = permission_ids()[PERM_BASIC]
    with connection.cursor() as cursor:  # as a person at the SQL prompt would
        cursor.execute(
            "UPDATE cases_case SET status = 'closed', district_id = %s WHERE id = %s", [city["north"].pk, case.pk]
        )
    case.refresh_from_db()
    listed = rows.filter(permission_id=basic)
    assert listed.count() == 2  # the owner's and the Jobcenter's listing rows
    assert set(listed.values_list("case_status", "case_district_id", "case_updated_at")) == {
        ("closed", city["north"].pk, case.updated_at)
    }
    assert not rows.exclude(permission_id=basic).exclude(case_status=None).exists()


def test_a_note_rewrites_one_permission_row_per_agency_not_all(city, django_assert_num_queries):
    case = city["cases"][1]
    rows = CaseGroupObjectPermission.objects.filter(content_object=case)
    assert rows.count() > 2
    others = list(rows.exclude(permission_id=permission_ids()[PERM_BASIC]).values_list("pk", "case_updated_at"))
    with django_assert_num_queries(1):
        when = case_touch(case.pk)
    assert set(rows.filter(permission_id=permission_ids()[PERM_BASIC]).values_list("case_updated_at", flat=True)) == {
        when
    }
    assert list(rows.exclude(permission_id=permission_ids()[PERM_BASIC]).values_list("pk", "case_updated_at")) == others
    services.note_add(actor=city["worker"], case=case, category="general", text="Anruf")
    first = case_list_page(user=city["worker"], filters=CaseListFilters()).cases[0]
    assert first.pk == case.pk


def test_list_queries_do_not_grow_with_agencies_or_cases(city, client, django_assert_max_num_queries):
    login(client, city["both"])
    with django_assert_max_num_queries(30) as small:
        client.get("/faelle/", {"status": "open"})
    for i in range(8):
        open_case(city["worker"], family_name=f"Mehr{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/faelle/", {"status": "open"}).content.decode()
    assert len(re.findall(r'href="/faelle/\d+/"', html)) == len(_expected(city["both"], CaseListFilters(status="open")))


def test_a_bad_filter_is_an_error_at_the_field_and_lists_nothing(city, client):
    login(client, city["worker"])
    html = client.get("/faelle/", {"status": "gelöscht", "district": "999999"}).content.decode()
    assert "Bitte eine gültige Auswahl treffen" in html and "0 Fälle" in html


@pytest.mark.parametrize("who", ["worker", "both"])
def test_the_log_names_exactly_the_cases_shown(city, client, monkeypatch, who):
    from audit.models import AccessLogEntry

    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    login(client, city[who])
    newest = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    html = client.get("/faelle/").content.decode()
    shown = [int(pk) for pk in re.findall(r'href="/faelle/(\d+)/"', html)]
    (entry,) = AccessLogEntry.objects.filter(id__gt=newest, action="list", object_type="case")
    assert entry.object_ids == shown and len(shown) == 4 and entry.case_ids == sorted(shown)


def test_the_person_search_finds_parts_of_names_on_the_trigram_index(city):
    from cases.selectors import persons_found_for

    found = persons_found_for(user=city["worker"], query="uster0")
    assert [p.family_name for p in found] == [f"Muster{i:02d}" for i in range(10)]
    assert persons_found_for(user=city["partner"], query="uster0")[0].family_name in {"Muster01", "Muster03"}
    assert not persons_found_for(user=member(Role.SOCIAL_WORKER, username="elsewhere"), query="uster")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_person' AND indexname LIKE '%trgm'")
        assert {row[0] for row in cursor.fetchall()} == {
            "person_family_name_trgm",
            "person_given_name_trgm",
            "person_alias_trgm",
        }
