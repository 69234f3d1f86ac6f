"""Opening cases with the leak-free duplicate check, editing with optimistic concurrency,
status changes, notes, the filtered list, and fixed query counts."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from access.case_access import case_access
from agencies.models import District
from agencies.roles import Role
from cases import services
from cases.models import Case, CaseNote, Person

from .conftest import login
from .factories import AgencyFactory, member
from .world import build_world, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _create(client, **data):
    form = {"given_name": "", "family_name": "", "alias": "", "birth_date": "", "title": "Erstkontakt", "summary": ""}
    form.update(data)
    return client.post("/faelle/neu/", form)


def test_open_case_for_a_new_named_person(client, world):
    login(client, world.users["social_worker"])
    response = _create(client, given_name="Lena", family_name="Ziegler", birth_date="1990-05-01")
    assert response.status_code == 302
    case = Case.objects.get(person__family_name="Ziegler")
    assert response["Location"] == f"/faelle/{case.pk}/"
    assert re.fullmatch(r"F-\d{4}-\d{6}", case.reference)
    assert list(case.assigned_workers.all()) == [world.users["social_worker"]]


def test_open_case_pseudonymously_and_reveal_name_later(client, world):
    login(client, world.users["social_worker"])
    _create(client, alias="Sonnenblume", title="Anonyme Beratung")
    person = Person.objects.get(alias="Sonnenblume")
    assert person.is_pseudonymous and person.family_name == ""
    html = client.get(f"/faelle/{person.cases.get().pk}/").content.decode()
    assert "„Sonnenblume“" in html and "pseudonym" in html
    services.person_reveal_name(
        actor=world.users["social_worker"], person=person, given_name="Lea", family_name="Brandt"
    )
    person.refresh_from_db()
    assert not person.is_pseudonymous and person.family_phonetic


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "family_name", "Bitte geben Sie einen Familiennamen oder – für anonyme Beratung – einen Alias an."),
        (
            {"family_name": "Ziegler", "birth_date": "2999-01-01"},
            "birth_date",
            "Das Geburtsdatum kann nicht in der Zukunft liegen.",
        ),
        ({"family_name": "Ziegler", "birth_date": "1850-01-01"}, "birth_date", "mehr als 120 Jahre zurück"),
        ({"family_name": "Ziegler", "birth_date": "31.02.1990"}, "birth_date", "Bitte ein gültiges Datum eingeben."),
        ({"family_name": "Ziegler", "title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_kept(client, world, data, field, message):
    login(client, world.users["social_worker"])
    cases_before, persons_before = Case.objects.count(), Person.objects.count()
    data = {"summary": "Mein Text bleibt", **data}
    response = _create(client, duplicates_checked="True", **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert "Mein Text bleibt" in html
    assert (Case.objects.count(), Person.objects.count()) == (cases_before, persons_before)


def test_duplicate_outside_grants_reveals_only_the_agency(client, world):
    # The person of the world case is registered at the owning agency; the outsider sees nothing of it.
    outsider = world.users["unrelated"]
    login(client, outsider)
    response = _create(client, given_name="Martha", family_name="Nowack", birth_date=str(world.person.birth_date))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Ein Datensatz existiert bei {world.owner.name}." in html
    assert "Zugriff anfragen" in html and "Notfallzugriff" in html
    for leak in (world.case.reference, world.person.birth_date.strftime("%d.%m.%Y"), f"/faelle/{world.case.pk}/"):
        assert leak not in html
    # Only the typed values appear, never the stored ones ("Marta Nowak").
    assert "Marta" not in html and ">Nowak" not in html and '"Nowak"' not in html
    assert f'value="{world.person.pk}"' not in html
    # Submitting again creates a new record.
    again = _create(
        client,
        given_name="Martha",
        family_name="Nowack",
        birth_date=str(world.person.birth_date),
        duplicates_checked="True",
    )
    assert again.status_code == 302


def test_duplicate_inside_grants_can_be_picked(client, world):
    login(client, world.users["social_worker"])
    html = _create(client, given_name="Marta", family_name="Nowak").content.decode()
    assert "Datensätze, die Sie sehen dürfen" in html and "Marta Nowak" in html
    response = client.post(
        "/faelle/neu/", {"person_id": world.person.pk, "title": "Zweiter Anlass", "summary": "", "district": ""}
    )
    assert response.status_code == 302
    assert world.person.cases.count() == 2


def test_picking_a_person_outside_grants_is_404(client, world):
    login(client, world.users["unrelated"])
    response = client.post("/faelle/neu/", {"person_id": world.person.pk, "title": "x", "summary": "", "district": ""})
    assert response.status_code == 404
    assert world.person.cases.count() == 1


def test_kolner_phonetik_finds_spelling_variants(world):
    from cases.duplicates import find_duplicates

    sw = world.users["social_worker"]
    for given, family in [("Marta", "Nowak"), ("Martha", "Nowack"), ("Marta", "Nowag")]:
        result = find_duplicates(user=sw, given_name=given, family_name=family)
        assert [p.pk for p in result.visible] == [world.person.pk], family
    assert not find_duplicates(user=sw, given_name="Marta", family_name="Schulze").any


def test_stale_edit_is_refused_not_overwritten(client, world):
    login(client, world.users["social_worker"])
    case = world.case
    page = client.get(f"/faelle/{case.pk}/bearbeiten/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    # A colleague saves first.
    colleague_view = case_access(user=world.users["team_lead"], case_id=case.pk)
    services.case_update(
        actor=world.users["team_lead"],
        case=colleague_view,
        version=int(version),
        title="Vom Kollegen geändert",
        summary="",
        district=None,
        assigned_workers=[],
    )
    response = client.post(
        f"/faelle/{case.pk}/bearbeiten/",
        {"version": version, "title": "Meine Änderung", "summary": "Mein Entwurf", "district": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Fall geändert" in html
    assert "Vom Kollegen geändert" in html  # the current state is shown
    assert "Mein Entwurf" in html  # the user's input is kept
    case.refresh_from_db()
    assert case.title == "Vom Kollegen geändert"
    # Saving again from the refreshed form works.
    new_version = re.search(r'name="version" value="(\d+)"', html).group(1)
    client.post(
        f"/faelle/{case.pk}/bearbeiten/",
        {"version": new_version, "title": "Meine Änderung", "summary": "", "district": ""},
    )
    case.refresh_from_db()
    assert case.title == "Meine Änderung"


def test_close_and_reopen(client, world):
    login(client, world.users["social_worker"])
    case = world.case
    refused = client.post(f"/faelle/{case.pk}/abschliessen/", {"version": case.version, "reason": ""})
    assert "Dieses Feld ist zwingend erforderlich." in refused.content.decode()
    client.post(f"/faelle/{case.pk}/abschliessen/", {"version": case.version, "reason": "Ziele erreicht"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_reason == "Ziele erreicht"
    client.post(f"/faelle/{case.pk}/status/reopen/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE and case.closed_at is None


def test_note_category_outside_scope_cannot_be_added(client, world):
    login(client, world.users["grantee_collaborate"])
    response = client.post(f"/faelle/{world.case.pk}/notizen/", {"category": "health", "text": "Diagnose"})
    assert response.status_code == 400
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert not CaseNote.objects.filter(text="Diagnose").exists()


def test_note_markup_is_sanitized(client, world):
    login(client, world.users["social_worker"])
    text = '**Wichtig** <script>alert(1)</script><img src=x onerror="alert(2)"> [Link](javascript:alert(3))'
    client.post(f"/faelle/{world.case.pk}/notizen/", {"category": "general", "text": text})
    html = client.get(f"/faelle/{world.case.pk}/verlauf/").content.decode()
    assert "<strong>Wichtig</strong>" in html
    assert "alert(1)" not in html and "onerror" not in html and "javascript:" not in html


def test_list_filters(client, world):
    sw = world.users["social_worker"]
    district = District.objects.create(municipality="Teststadt", name="Nordstadt")
    other = open_case(sw, family_name="Weber", title="Schulden")
    Case.objects.filter(pk=other.pk).update(district=district, status=Case.Status.ACTIVE)
    login(client, sw)
    html = client.get("/faelle/", {"district": district.pk}).content.decode()
    assert other.reference in html and world.case.reference not in html
    html = client.get("/faelle/", {"status": "open"}).content.decode()
    assert world.case.reference in html and other.reference not in html
    html = client.get("/faelle/", {"updated_since": "2999-01-01"}).content.decode()
    assert "Das Datum liegt in der Zukunft." in html
    html = client.get("/faelle/", {"updated_since": "nonsense"}).content.decode()
    assert "Bitte ein gültiges Datum eingeben." in html


def test_case_list_paginates_50(client, world):
    sw = world.users["social_worker"]
    for i in range(55):
        open_case(sw, family_name=f"Muster{i}")
    login(client, sw)
    html = client.get("/faelle/").content.decode()
    assert "56 Fälle" in html and "Ältere Fälle" in html and "Neuere Fälle" not in html
    first = re.findall(r'href="/faelle/(\d+)/"', html)
    older = re.search(r'href="\?nach=([0-9-]+)"', html).group(1)
    html = client.get("/faelle/", {"nach": older}).content.decode()
    second = re.findall(r'href="/faelle/(\d+)/"', html)
    assert len(first) == 50 and len(second) == 6 and not set(first) & set(second)
    assert "Neuere Fälle" in html and "Ältere Fälle" not in html
    newer = re.search(r'href="\?vor=([0-9-]+)"', html).group(1)
    assert re.findall(r'href="/faelle/(\d+)/"', client.get("/faelle/", {"vor": newer}).content.decode()) == first
    # A cursor that is not one shows the first page; it is never an error.
    assert client.get("/faelle/", {"nach": "x-1"}).status_code == 200


def _grow(world, cases: int, notes: int):
    sw = world.users["social_worker"]
    extra_agency = AgencyFactory()
    member(Role.PARTNER_STAFF, extra_agency)
    for i in range(cases):
        open_case(sw, family_name=f"Zusatz{i}")
    readable = case_access(user=sw, case_id=world.case.pk)
    for i in range(notes):
        services.note_add(actor=sw, case=readable, category="general", text=f"Notiz {i}")
    from cases import grants

    for i in range(5):
        grant = grants.grant_create(
            actor=sw,
            case=world.case,
            grantee_agency=AgencyFactory(name=f"Weitere {i}"),
            scope="basic",
            purpose="Zweck",
            valid_until=timezone.now() + timedelta(days=5),
            statute=world.statute,
        )
        grants.grant_approve(actor=world.users["team_lead"], grant=grant)


@pytest.mark.parametrize("actor", ["social_worker", "grantee_sensitive"])
def test_query_counts_do_not_grow(client, world, django_assert_max_num_queries, actor):
    login(client, world.users[actor])
    with django_assert_max_num_queries(20) as small_list:
        client.get("/faelle/")
    with django_assert_max_num_queries(20) as small_detail:
        client.get(f"/faelle/{world.case.pk}/")
    _grow(world, cases=30, notes=40)
    with django_assert_max_num_queries(len(small_list.captured_queries)):
        client.get("/faelle/")
    with django_assert_max_num_queries(len(small_detail.captured_queries)):
        client.get(f"/faelle/{world.case.pk}/")


def test_birth_date_type(world):
    assert isinstance(world.person.birth_date, date)


def test_reveal_name_of_pseudonymous_person_through_the_page(client, world):
    login(client, world.users["social_worker"])
    _create(client, alias="Regenbogen", title="Anonyme Beratung")
    person = Person.objects.get(alias="Regenbogen")
    page = client.get(f"/personen/{person.pk}/").content.decode()
    assert "Richtigen Namen ergänzen" in page
    refused = client.post(f"/personen/{person.pk}/", {"given_name": "Ida", "family_name": ""})
    assert "Dieses Feld ist zwingend erforderlich." in refused.content.decode()
    client.post(f"/personen/{person.pk}/", {"given_name": "Ida", "family_name": "Köhler", "birth_date": ""})
    person.refresh_from_db()
    assert person.family_name == "Köhler" and not person.is_pseudonymous
    # A partner who sees the person through a grant cannot rename it.
    client.logout()
    login(client, world.users["grantee_basic"])
    assert client.post(f"/personen/{world.person.pk}/", {"family_name": "X"}).status_code == 404


def test_home_lists_my_open_cases_and_waiting_requests(client, world):
    from cases import grants

    grants.access_request_create(
        actor=world.users["unrelated"], case=world.case, scope="basic", purpose="Prüfung der Zuständigkeit"
    )
    login(client, world.users["team_lead"])
    html = client.get("/").content.decode()
    assert "1 Zugriffsanfrage wartet auf Ihre Entscheidung." in html
    client.logout()
    login(client, world.users["social_worker"])
    html = client.get("/").content.decode()
    assert world.case.reference in html and "Meine offenen Fälle" in html
