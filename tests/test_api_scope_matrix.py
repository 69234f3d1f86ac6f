"""The API against the access-layer matrix (tests/access_matrix.py), per scope: a client of each
agency of the access tests' world — the owner with a social worker's, a clerk's and a team lead's
roles, one partner per grant scope, an unrelated agency — reads the case, its notes by category
and its payments, and adds notes, exactly where the matrix allows the same role in the web."""

from datetime import timedelta
from unittest import mock

import pytest

from agencies.roles import Role
from api.services import client_bootstrap, key_bootstrap
from cases.scopes import NoteCategory

from .access_matrix import allowed
from .api_world import api
from .conftest import world_for_the_module
from .world import NOTE_TEXTS, build_world

# actor -> (agency of the world, role the client holds)
CLIENTS = {
    "social_worker": ("owner", Role.SOCIAL_WORKER),
    "clerk": ("owner", Role.CLERK),
    "team_lead": ("owner", Role.TEAM_LEAD),
    "grantee_basic": ("basic", Role.PARTNER_STAFF),
    "grantee_collaborate": ("collaborate", Role.PARTNER_STAFF),
    "grantee_finance": ("finance", Role.PARTNER_STAFF),
    "grantee_sensitive": ("sensitive", Role.PARTNER_STAFF),
    "unrelated": ("unrelated", Role.SOCIAL_WORKER),
}
JSON = "application/json"


def _build():
    world = build_world()
    world.keys = {}
    for actor, (agency_key, role) in CLIENTS.items():
        agency = world.owner if agency_key == "owner" else world.agencies[agency_key]
        client = client_bootstrap(
            agency=agency, name=f"System {actor}", roles=[role], created_by=world.users["team_lead"]
        )
        world.keys[actor] = key_bootstrap(client=client, created_by=world.users["team_lead"])[1]
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with mock.patch("notifications.services.enqueue_delivery"):
        yield from world_for_the_module(django_db_blocker, _build)


@pytest.fixture
def world(db, _module_world):
    with mock.patch("notifications.services.enqueue_delivery"), mock.patch("api.pagination.SETTLE", timedelta(0)):
        yield _module_world


@pytest.mark.parametrize("actor", CLIENTS)
def test_the_case_and_its_text(world, actor):
    response = api(world.keys[actor]).get(f"/api/v1/cases/{world.case.pk}/")
    assert response.status_code == (200 if allowed(actor, "case_view") else 404)
    if response.status_code == 200:
        assert (response.json()["title"] is not None) == allowed(actor, "case_text_read")


@pytest.mark.parametrize("actor", CLIENTS)
def test_notes_by_category(world, actor):
    response = api(world.keys[actor]).get(f"/api/v1/cases/{world.case.pk}/notes/?page_size=200")
    assert response.status_code == (200 if allowed(actor, "records_view") else 404)
    texts = {note["text"] for note in response.json().get("results", [])}
    for category in NoteCategory.values:
        assert (NOTE_TEXTS[category] in texts) == allowed(actor, f"read_{category}"), category


@pytest.mark.parametrize("actor", CLIENTS)
def test_payments(world, actor):
    response = api(world.keys[actor]).get(f"/api/v1/cases/{world.case.pk}/payments/")
    assert response.status_code == (200 if allowed(actor, "payment_view") else 404)


@pytest.mark.parametrize("category", ["general", "health", "finances"])
@pytest.mark.parametrize("actor", CLIENTS)
def test_adding_a_note(world, actor, category):
    body = {"category": category, "text": "Rückmeldung aus dem Fachverfahren"}
    response = api(world.keys[actor]).post(f"/api/v1/cases/{world.case.pk}/notes/", body, content_type=JSON)
    assert response.status_code == (201 if allowed(actor, f"note_add_{category}") else 404), response.content
