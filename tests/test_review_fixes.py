"""Holes a review found in the access model, each closed and kept closed by a test."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from access.events import access_event
from agencies.roles import Role
from agencies.services import membership_add
from cases import grants
from cases.duplicates import find_duplicates
from cases.models import AccessRequest, CaseGroupObjectPermission

from .conftest import confirmed_device, login
from .factories import AgencyFactory, member
from .world import NOTE_TEXTS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_administrator_cannot_give_themselves_a_role(client, world):
    admin_user = world.users["administrator"]
    login(client, admin_user, device=confirmed_device(admin_user))
    response = client.post(
        "/verwaltung/agencies/membership/add/",
        {"user": admin_user.pk, "agency": world.owner.pk, "role": "team_lead", "org_unit": ""},
    )
    assert response.status_code == 200
    assert "Sie können sich nicht selbst eine Rolle geben." in response.content.decode()
    assert not admin_user.memberships.filter(role="team_lead").exists()
    assert client.get(f"/faelle/{world.case.pk}/").status_code == 404


def test_administrator_cannot_set_the_password_of_an_account_in_use(client, world):
    admin_user, worker = world.users["administrator"], world.users["social_worker"]
    login(client, worker)  # the account is in use now
    client.logout()
    login(client, admin_user, device=confirmed_device(admin_user))
    # Refused like everything else: "not allowed" answers as "not found" (handler403).
    assert client.get(f"/verwaltung/accounts/user/{worker.pk}/password/").status_code == 404
    # Nor of a new one: new accounts set their own password through an invitation link.
    newcomer = member(Role.CLERK, world.owner, username="neu")
    assert client.get(f"/verwaltung/accounts/user/{newcomer.pk}/password/").status_code == 404


def test_roles_count_per_agency(client, world):
    # A clerk of the owning agency who is also a social worker elsewhere stays a clerk here.
    clerk = world.users["clerk"]
    membership_add(user=clerk, agency=AgencyFactory(name="Zweiter Träger"), role=Role.SOCIAL_WORKER)
    login(client, clerk)
    html = client.get(f"/faelle/{world.case.pk}/verlauf/").content.decode()
    assert NOTE_TEXTS["general"] in html
    assert NOTE_TEXTS["health"] not in html and NOTE_TEXTS["violence"] not in html
    assert client.get(f"/faelle/{world.case.pk}/bearbeiten/").status_code == 404


def test_service_account_reads_nothing(client, world):
    robot = member(Role.SERVICE_ACCOUNT, world.owner, username="robot")
    login(client, robot)
    assert client.get(f"/faelle/{world.case.pk}/").status_code == 404
    assert client.get(f"/personen/{world.person.pk}/").status_code == 404


def test_match_token_belongs_to_the_user_who_searched(client, world):
    searcher, other = world.users["unrelated"], member(Role.SOCIAL_WORKER, world.agencies["unrelated"])
    result = find_duplicates(user=searcher, given_name="Marta", family_name="Nowak", birth_date=world.person.birth_date)
    token = result.elsewhere[0].token
    assert len(token) >= 32 and ":" not in token  # random, not a signed payload with ids in it
    login(client, other)
    assert client.get(f"/zugriffsanfragen/neu/{token}/").status_code == 404
    client.logout()
    login(client, searcher)
    assert client.get(f"/zugriffsanfragen/neu/{token}/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=9)):
        client.logout()
        login(client, searcher)
        assert client.get(f"/zugriffsanfragen/neu/{token}/").status_code == 404


def test_duplicate_checks_are_rate_limited(client, world, settings):
    settings.DUPLICATE_CHECKS_PER_HOUR = 2
    login(client, world.users["unrelated"])
    for year in ("1980", "1981"):
        client.post("/faelle/neu/", {"family_name": "Nowak", "birth_date": f"{year}-01-01", "title": "x"})
    response = client.post("/faelle/neu/", {"family_name": "Nowak", "birth_date": "1982-01-01", "title": "x"})
    assert "viele Dublettenprüfungen" in response.content.decode()


def test_every_match_is_reported_to_the_access_log(world):
    events = []
    access_event.connect(receiver := lambda sender, **payload: events.append(payload))
    try:
        find_duplicates(user=world.users["unrelated"], given_name="Marta", family_name="Nowak")
    finally:
        access_event.disconnect(receiver)
    assert events[-1]["action"] == "search" and events[-1]["person_ids"] == [world.person.pk]


def test_a_grantee_cannot_open_a_case_on_the_owners_person_record(client, world):
    login(client, world.users["grantee_collaborate"])
    response = client.post("/faelle/neu/", {"person_id": world.person.pk, "title": "x", "summary": "", "district": ""})
    assert response.status_code == 404


def test_refused_edit_is_reported_as_denied(client, world):
    events = []
    access_event.connect(receiver := lambda sender, **payload: events.append(payload))
    try:
        login(client, world.users["grantee_sensitive"])
        assert client.get(f"/faelle/{world.case.pk}/bearbeiten/").status_code == 404
    finally:
        access_event.disconnect(receiver)
    assert [e["outcome"] for e in events if e["object_type"] == "case"] == ["denied"]


def test_same_access_request_twice_is_a_message_not_an_error(world):
    grants.access_request_create(
        actor=world.users["unrelated"], case=world.case, scope="basic", purpose="Prüfung Zuständigkeit"
    )
    with pytest.raises(Exception, match="bereits angefragt|already asked"):
        grants.access_request_create(
            actor=world.users["unrelated"], case=world.case, scope="basic", purpose="Prüfung Zuständigkeit"
        )
    assert AccessRequest.objects.count() == 1


def test_revoked_grant_stays_revoked_after_another_sync(world):
    from cases.access_sync import case_permissions_sync
    from cases.models import AccessGrant

    grant = AccessGrant.objects.get(grantee_agency=world.agencies["basic"])
    grants.grant_revoke(actor=world.users["social_worker"], grant=grant, reason="Ende")
    case_permissions_sync(world.case)
    assert not CaseGroupObjectPermission.objects.filter(group_id=world.agencies["basic"].group_id).exists()
