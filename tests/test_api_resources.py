"""The partner API's further resources (issue 14): persons, notes by category, payments with the
finance scope, grants held, access requests, help offers and a provider's own offer, webhook
subscriptions and the event feed. Each read goes through the web's selector; each write through
the web's service."""

from types import SimpleNamespace
from unittest import mock

import pytest

from agencies.roles import Role
from agencies.services import membership_add
from audit.models import AccessLogEntry
from cases.models import CaseNote
from notifications.models import PartnerEvent, WebhookEndpoint
from referrals.models import Offer

from .api_world import api, build_api_world
from .payments_world import fund_for
from .payments_world import request as payment_request
from .referrals_world import refer

JSON = "application/json"


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch("notifications.services.enqueue_delivery"):
        yield


@pytest.fixture
def world(db):
    return build_api_world()


@pytest.fixture
def accepted(world):
    """The centre accepted a referral with the collaborate scope: it sees the case through it."""
    referral = refer(world.base, scope="collaborate")
    assert (
        api(world.keys["centre"]).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type=JSON).status_code
        == 200
    )
    return referral


def test_person_through_the_case_grant_only(world, accepted):
    person = world.base.case.person
    assert api(world.keys["centre"]).get(f"/api/v1/persons/{person.pk}/").json()["family_name"] == "Beispiel"
    assert api(world.keys["other"]).get(f"/api/v1/persons/{person.pk}/").status_code == 404


def test_notes_by_category_and_a_new_note_with_collaboration(world, accepted):
    case = world.base.case
    worker = world.base.users["worker"]
    from cases.services import note_add

    note_add(actor=worker, case=case, category="general", text="Allgemein lesbar")
    note_add(actor=worker, case=case, category="finances", text="Nur Finanzen")
    centre = api(world.keys["centre"])
    body = centre.get(f"/api/v1/cases/{case.pk}/notes/?settle=0")
    texts = [n["text"] for n in _all(centre, f"/api/v1/cases/{case.pk}/notes/")]
    assert body.status_code == 200
    assert "Allgemein lesbar" in texts and "Nur Finanzen" not in texts
    assert centre.get(f"/api/v1/cases/{case.pk}/notes/?category=finances").json()["results"] == []
    assert centre.get(f"/api/v1/cases/{case.pk}/notes/?category=nonsense").status_code == 400
    created = centre.post(
        f"/api/v1/cases/{case.pk}/notes/", {"category": "general", "text": "Termin vereinbart"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    note = CaseNote.objects.get(pk=created.json()["id"])
    assert note.author_agency == world.base.agencies["centre"] and note.author == world.clients["centre"].account
    refused = centre.post(f"/api/v1/cases/{case.pk}/notes/", {"category": "finances", "text": "x"}, content_type=JSON)
    assert refused.status_code == 404
    empty = centre.post(f"/api/v1/cases/{case.pk}/notes/", {"category": "general", "text": "  "}, content_type=JSON)
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    assert api(world.keys["other"]).get(f"/api/v1/cases/{case.pk}/notes/").status_code == 404


def _all(client, url):
    with mock.patch("api.pagination.SETTLE", __import__("datetime").timedelta(0)):
        return client.get(url).json()["results"]


def test_payments_need_the_finance_scope(world, accepted):
    base = world.base
    fund_for(base.agencies["city"])
    payment_request(
        SimpleNamespace(owner=base.agencies["city"], case=base.case, users={"social_worker": base.users["worker"]})
    )
    own = _all(api(world.keys["city"]), f"/api/v1/cases/{base.case.pk}/payments/")
    assert [p["amount"] for p in own] == ["250.00"] and "iban" not in own[0]
    assert api(world.keys["centre"]).get(f"/api/v1/cases/{base.case.pk}/payments/").status_code == 404


def test_grants_held_and_access_requests(world, accepted):
    grants = _all(api(world.keys["centre"]), "/api/v1/grants/")
    assert [g["case_reference"] for g in grants] == [world.base.case.reference]
    assert grants[0]["basis"] == "consent" and grants[0]["scope"] == "collaborate"
    assert _all(api(world.keys["other"]), "/api/v1/grants/") == []
    assert api(world.keys["centre"]).get("/api/v1/access-requests/").status_code == 200


def test_offers_read_by_all_changed_by_the_provider_with_if_match(world):
    offer = world.base.offer
    listed = _all(api(world.keys["other"]), "/api/v1/offers/")
    assert offer.pk in [o["id"] for o in listed]
    url = f"/api/v1/offers/{offer.pk}/"
    read = api(world.keys["centre"]).get(url)
    assert read.status_code == 200 and read["ETag"] == f'"{offer.pk}-{offer.version}"'
    change = {"capacity": "waiting_list", "waiting_days": 14}
    refused = api(world.keys["centre"], HTTP_IF_MATCH=read["ETag"]).patch(url, change, content_type=JSON)
    assert refused.status_code == 404  # partner staff read offers; the directory editor role keeps them
    centre = world.clients["centre"]
    membership_add(user=centre.account, agency=centre.agency, role=Role.DIRECTORY_EDITOR)
    assert api(world.keys["centre"]).patch(url, change, content_type=JSON).status_code == 428
    stale = api(world.keys["centre"], HTTP_IF_MATCH=f'"{offer.pk}-{offer.version + 5}"')
    assert stale.patch(url, change, content_type=JSON).status_code == 412
    fresh = api(world.keys["centre"], HTTP_IF_MATCH=read["ETag"])
    changed = fresh.patch(url, change, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["waiting_days"] == 14 and changed.json()["version"] == offer.version + 1
    assert Offer.objects.get(pk=offer.pk).capacity == "waiting_list"
    again = fresh.patch(url, change, content_type=JSON)  # the old ETag is stale now
    assert again.status_code == 412
    other = api(world.keys["other"], HTTP_IF_MATCH=changed["ETag"]).patch(url, change, content_type=JSON)
    assert other.status_code == 404
    bad = api(world.keys["centre"], HTTP_IF_MATCH=changed["ETag"]).patch(
        url, {"waiting_days": 999, "name": "x"}, content_type=JSON
    )
    assert bad.status_code == 400 and {"waiting_days", "name"} <= set(bad.json()["errors"])


def test_webhooks_need_the_service_account_role(world, settings):
    centre = world.clients["centre"]
    assert api(world.keys["centre"]).get("/api/v1/webhooks/").status_code == 404
    membership_add(user=centre.account, agency=centre.agency, role=Role.SERVICE_ACCOUNT)
    client = api(world.keys["centre"])
    created = client.post(
        "/api/v1/webhooks/", {"url": "https://partner.example/hook", "events": ["referral.sent"]}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    endpoint_id = created.json()["id"]
    listed = client.get("/api/v1/webhooks/").json()
    assert [e["id"] for e in listed] == [endpoint_id] and "secret" not in listed[0]
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/test/").status_code == 202
    assert (
        client.patch(f"/api/v1/webhooks/{endpoint_id}/", {"is_active": False}, content_type=JSON).json()["is_active"]
        is False
    )
    assert WebhookEndpoint.objects.get(pk=endpoint_id).is_active is False
    bad = client.post("/api/v1/webhooks/", {"url": "not a url", "events": ["nope"]}, content_type=JSON)
    assert bad.status_code == 400 and {"url", "events"} <= set(bad.json()["errors"])
    assert api(world.keys["other"]).post(f"/api/v1/webhooks/{endpoint_id}/test/").status_code == 404


def test_the_event_feed_has_every_referral_event_of_the_agency(world):
    referral = refer(world.base)
    api(world.keys["centre"]).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type=JSON)
    centre = [e["event"] for e in _all(api(world.keys["centre"]), "/api/v1/events/")]
    city = [e["event"] for e in _all(api(world.keys["city"]), "/api/v1/events/")]
    assert centre == ["referral.sent", "referral.accepted"] and city == centre
    assert _all(api(world.keys["other"]), "/api/v1/events/") == []
    assert PartnerEvent.objects.filter(data__referral_id=referral.pk).count() == 4
    # The rows handed out are in the access log: they name referrals.
    centre = world.base.agencies["centre"]
    handed_out = sorted(PartnerEvent.objects.filter(agency=centre).values_list("pk", flat=True))
    logged = AccessLogEntry.objects.filter(object_type="event", channel="api", agency=centre)
    assert [sorted(ids) for ids in logged.values_list("object_ids", flat=True)] == [handed_out]
