"""The permission matrix of the API (STYLE.md §4): every endpoint × every kind of caller →
status. Callers: the owning agency's client (city), the receiving counselling centre's client
before and after it accepted (its grant: collaborate), an unrelated agency's client, and keys
that must not work (revoked, expired, of a deactivated client, none). A refusal is the same 404
problem, byte for byte, as an object that does not exist."""

from unittest import mock

import pytest

from audit.models import AccessLogEntry
from notifications.services import webhook_endpoint_create

from .api_world import api, build_api_world
from .conftest import world_for_the_module
from .referrals_world import refer

BAD_KEYS = ["revoked", "expired", "deactivated", None]
CLIENTS = ["city", "centre", "other"]

# endpoint name -> (method, path template, body, {client: status before acceptance})
ENDPOINTS = {
    "cases": ("get", "/api/v1/cases/", None, {"city": 200, "centre": 200, "other": 200}),
    "case": ("get", "/api/v1/cases/{case}/", None, {"city": 200, "centre": 404, "other": 404}),
    "incoming": ("get", "/api/v1/referrals/incoming/", None, {"city": 200, "centre": 200, "other": 200}),
    "outgoing": ("get", "/api/v1/referrals/outgoing/", None, {"city": 200, "centre": 200, "other": 200}),
    "referral": ("get", "/api/v1/referrals/{referral}/", None, {"city": 200, "centre": 200, "other": 404}),
    "accept": ("post", "/api/v1/referrals/{referral}/accept/", {}, {"city": 404, "centre": 200, "other": 404}),
    "decline": (
        "post",
        "/api/v1/referrals/{referral}/decline/",
        {"outcome": "no_capacity"},
        {"city": 404, "centre": 200, "other": 404},
    ),
    "first_contact": (
        "post",
        "/api/v1/referrals/{referral}/first-contact/",
        {"on": "2026-01-01"},
        # Allowed for the receiver, but not from "sent": a state error, not a refusal.
        {"city": 404, "centre": 400, "other": 404},
    ),
    "complete": (
        "post",
        "/api/v1/referrals/{referral}/complete/",
        {"outcome": "successful"},
        {"city": 404, "centre": 400, "other": 404},
    ),
}
ALL = {"city": 200, "centre": 200, "other": 200}
NONE = {"city": 404, "centre": 404, "other": 404}
ENDPOINTS.update(
    {
        "person": ("get", "/api/v1/persons/{person}/", None, {"city": 200, "centre": 404, "other": 404}),
        "notes": ("get", "/api/v1/cases/{case}/notes/", None, {"city": 200, "centre": 404, "other": 404}),
        "note_add": (
            "post",
            "/api/v1/cases/{case}/notes/",
            {"category": "general", "text": "Rückruf vereinbart"},
            {"city": 201, "centre": 404, "other": 404},
        ),
        "payments": ("get", "/api/v1/cases/{case}/payments/", None, {"city": 200, "centre": 404, "other": 404}),
        "grants": ("get", "/api/v1/grants/", None, ALL),
        "access_requests": ("get", "/api/v1/access-requests/", None, ALL),
        "offers": ("get", "/api/v1/offers/", None, ALL),
        "offer": ("get", "/api/v1/offers/{offer}/", None, ALL),
        # No client here holds the directory editor role.
        "offer_change": ("patch", "/api/v1/offers/{offer}/", {"waiting_days": 3}, NONE),
        # No client here holds the service account role.
        "webhooks": ("get", "/api/v1/webhooks/", None, NONE),
        "webhook_add": ("post", "/api/v1/webhooks/", {"url": "https://partner.example/hook"}, NONE),
        "webhook_change": ("patch", "/api/v1/webhooks/{endpoint}/", {"is_active": False}, NONE),
        "webhook_test": ("post", "/api/v1/webhooks/{endpoint}/test/", {}, NONE),
        "events": ("get", "/api/v1/events/", None, ALL),
    }
)
# Reads that hand out personal data of one object: each writes an allowed entry.
PERSONAL = {"case", "person", "referral", "accept", "decline", "note_add"}
MISSING = {"case": 999999, "referral": 999999, "person": 999999, "offer": 999999, "endpoint": 999999}


def _build():
    with mock.patch("notifications.services.enqueue_delivery"):
        world = build_api_world()
        world.referral = refer(world.base)
    world.endpoint, _secret = webhook_endpoint_create(
        agency=world.base.agencies["city"], url="https://city.example/hook"
    )
    return world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, _build)


@pytest.fixture
def world(db, _module_world):
    """Built once for the module; each test runs in a savepoint of it and is rolled back."""
    with mock.patch("notifications.services.enqueue_delivery"):
        yield _module_world


def _call(key, endpoint, ids):
    method, template, body, _expected = ENDPOINTS[endpoint]
    path = template.format(**ids)
    caller = api(key)
    if method == "get":
        return caller.get(path)
    return getattr(caller, method)(path, body, content_type="application/json")


def _ids(world):
    return {
        "case": world.base.case.pk,
        "referral": world.referral.pk,
        "person": world.base.case.person_id,
        "offer": world.base.offer.pk,
        "endpoint": world.endpoint.pk,
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("caller", CLIENTS)
def test_clients(world, endpoint, caller):
    response = _call(world.keys[caller], endpoint, _ids(world))
    expected = ENDPOINTS[endpoint][3][caller]
    assert response.status_code == expected, response.content
    entries = list(AccessLogEntry.objects.filter(request_id=response["X-Request-ID"]))
    # Every entry of the request is on the api channel; a grant an acceptance opens is logged in
    # the name of the referring worker who asked for it, the rest in the client's.
    assert all(e.channel == "api" for e in entries)
    if expected < 300 and endpoint in PERSONAL:
        assert any(e.actor_id == world.clients[caller].account_id and e.outcome == "allowed" for e in entries)
    if expected == 404:
        assert [e.outcome for e in entries] == ["denied"], [(e.action, e.object_type, e.outcome) for e in entries]
        missing = _call(world.keys[caller], endpoint, MISSING)
        assert missing.status_code == 404 and missing.content == response.content
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("kind", BAD_KEYS)
def test_keys_that_must_not_work(world, endpoint, kind):
    response = _call(world.keys.get(kind) if kind else None, endpoint, _ids(world))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_receiver_sees_the_case_once_it_accepted(world):
    ids = _ids(world)
    assert _call(world.keys["centre"], "accept", ids).status_code == 200
    assert _call(world.keys["centre"], "case", ids).json()["scopes"] == ["basic", "collaborate"]
    assert _call(world.keys["centre"], "first_contact", {**ids}).status_code in (200, 400)
    assert _call(world.keys["other"], "case", ids).status_code == 404
