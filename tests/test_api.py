"""The partner API (issue 14): keys, one access path with the web, problem+json, If-Match,
Idempotency-Key, keyset sync, throttling, the access log."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiKey, IdempotentRequest
from audit.models import AccessLogEntry
from cases.access_sync import case_touch
from cases.models import Case
from referrals.models import Referral, Status

from .api_world import api, build_api_world
from .referrals_world import refer
from .world import open_case


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch("notifications.services.enqueue_delivery"):
        yield


@pytest.fixture
def world(db):
    return build_api_world()


@pytest.fixture
def settled():
    """Rows are handed out once they are older than the pagination's settling time."""
    with mock.patch("api.pagination.SETTLE", timedelta(0)):
        yield


def _sent(world) -> Referral:
    return refer(world.base)


@pytest.mark.parametrize("kind", [None, "garbage", "revoked", "expired", "deactivated", "wrong_secret"])
def test_every_failing_key_answers_the_same_401(world, kind):
    key = {
        None: None,
        "garbage": "nlk_nonsense",
        "wrong_secret": world.keys["centre"][:-3] + "xyz",
    }.get(kind, world.keys.get(kind))
    response = api(key).get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Api-Key"
    body = response.json()
    assert body["status"] == 401 and set(body) >= {"type", "title", "status"}


def test_key_use_is_recorded_and_the_allow_list_holds(world):
    assert api(world.keys["centre"], REMOTE_ADDR="10.1.2.3").get("/api/v1/cases/").status_code == 200
    key = ApiKey.objects.get(client=world.clients["centre"], revoked_at=None, expires_at=None)
    assert key.last_used_address == "10.1.2.3" and key.last_used_at is not None
    world.clients["centre"].allowed_networks = "192.168.0.0/24\n2001:db8::/32"
    world.clients["centre"].save()
    assert api(world.keys["centre"], REMOTE_ADDR="10.1.2.3").get("/api/v1/cases/").status_code == 401
    assert api(world.keys["centre"], REMOTE_ADDR="192.168.0.9").get("/api/v1/cases/").status_code == 200


def test_a_case_outside_the_grants_looks_exactly_like_a_missing_one(world):
    case = world.base.case
    refused = api(world.keys["centre"]).get(f"/api/v1/cases/{case.pk}/")
    missing = api(world.keys["centre"]).get("/api/v1/cases/999999/")
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert refused["Content-Type"] == "application/problem+json"
    denied = AccessLogEntry.objects.filter(outcome="denied", channel="api", object_type="case")
    assert denied.filter(case_ids__contains=[case.pk]).exists()


def test_owner_and_partner_read_the_case_cut_to_their_scope(world):
    case = world.base.case
    own = api(world.keys["city"]).get(f"/api/v1/cases/{case.pk}/")
    assert own.status_code == 200
    assert own.json()["title"] == case.title and own["ETag"] == f'"{case.pk}-{case.version}"'
    referral = refer(world.base, scope="basic")
    accept = api(world.keys["centre"]).post(
        f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type="application/json"
    )
    assert accept.status_code == 200, accept.content
    partner = api(world.keys["centre"]).get(f"/api/v1/cases/{case.pk}/").json()
    assert partner["scopes"] == ["basic"] and partner["title"] is None and partner["summary"] is None
    assert [g["purpose"] for g in partner["grants"]] == ["Beratung und Schutzplanung"]
    assert api(world.keys["other"]).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_reads_are_logged_on_the_api_channel_as_the_clients_account(world):
    case = world.base.case
    api(world.keys["city"]).get(f"/api/v1/cases/{case.pk}/")
    entry = AccessLogEntry.objects.filter(channel="api", object_type="case", outcome="allowed").latest("pk")
    assert entry.actor_id == world.clients["city"].account_id
    assert entry.case_ids == [case.pk]


def test_incoming_referrals_only_for_the_receiving_agency(world, settled):
    referral = _sent(world)
    incoming = api(world.keys["centre"]).get("/api/v1/referrals/incoming/").json()
    assert [r["id"] for r in incoming["results"]] == [referral.pk]
    assert incoming["results"][0]["case_reference"] == world.base.case.reference
    assert api(world.keys["other"]).get("/api/v1/referrals/incoming/").json()["results"] == []
    outgoing = api(world.keys["city"]).get("/api/v1/referrals/outgoing/").json()
    assert [r["id"] for r in outgoing["results"]] == [referral.pk]
    assert api(world.keys["other"]).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404


def test_a_stale_if_match_answers_412_and_changes_nothing(world):
    referral = _sent(world)
    url = f"/api/v1/referrals/{referral.pk}/accept/"
    stale = api(world.keys["centre"], HTTP_IF_MATCH=f'"{referral.pk}-{referral.version - 1}"')
    response = stale.post(url, {}, content_type="application/json")
    assert response.status_code == 412 and response["Content-Type"] == "application/problem+json"
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    fresh = api(world.keys["centre"], HTTP_IF_MATCH=f'"{referral.pk}-{referral.version}"')
    accepted = fresh.post(url, {}, content_type="application/json")
    assert accepted.status_code == 200
    assert accepted["ETag"] == f'"{referral.pk}-{referral.version + 1}"'


def test_a_version_changed_under_the_lock_answers_412(world):
    referral = _sent(world)
    real = Referral.objects.get
    with mock.patch("api.views.referrals.expected_version", return_value=referral.version - 1):
        response = api(world.keys["centre"]).post(
            f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type="application/json"
        )
    assert response.status_code == 412
    assert real(pk=referral.pk).status == Status.SENT


def test_idempotency_key_replays_and_refuses_another_body(world):
    referral = _sent(world)
    client = api(world.keys["centre"], HTTP_IDEMPOTENCY_KEY="abc-1")
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    first = client.post(url, {"outcome": "no_capacity"}, content_type="application/json")
    assert first.status_code == 200, first.content
    again = client.post(url, {"outcome": "no_capacity"}, content_type="application/json")
    assert again.status_code == 200 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    other = client.post(url, {"outcome": "other", "note": "x"}, content_type="application/json")
    assert other.status_code == 422
    assert Referral.objects.get(pk=referral.pk).transitions.filter(to_status=Status.DECLINED).count() == 1


def test_a_refused_post_is_not_kept_nor_a_server_error(world):
    """A refusal comes before the key is claimed: nothing is stored, so a retry once access
    exists runs; a server error releases the claim."""
    referral = _sent(world)
    client = api(world.keys["other"], HTTP_IDEMPOTENCY_KEY="k-404")
    url = f"/api/v1/referrals/{referral.pk}/accept/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 404 and not refused.has_header("Idempotent-Replayed")
    assert not IdempotentRequest.objects.filter(key="k-404").exists()
    centre = api(world.keys["centre"], HTTP_IDEMPOTENCY_KEY="k-500", raise_request_exception=False)
    with mock.patch("referrals.services.lifecycle.moved", side_effect=RuntimeError("boom")):
        assert centre.post(url, {}, content_type="application/json").status_code == 500
    assert centre.post(url, {}, content_type="application/json").status_code == 200


def test_every_post_endpoint_claims_its_key(world):
    """A POST handler that forgets PartnerAPIView.once() fails loudly instead of ignoring the key."""
    from api.base import PartnerAPIView

    class Forgetful(PartnerAPIView):
        def post(self, request):
            from rest_framework.response import Response

            return Response({})

    from django.test import RequestFactory

    request = RequestFactory().post(
        "/api/v1/x/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {world.keys['city']}",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    with pytest.raises(Exception, match="does not call self.once"):
        Forgetful.as_view()(request)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "nonsense"}, "outcome"),
        ({"outcome": "no_capacity", "colour": "blue"}, "colour"),
        ({"outcome": "other"}, "note"),
        ({}, "outcome"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, body, field):
    referral = _sent(world)
    response = api(world.keys["centre"]).post(
        f"/api/v1/referrals/{referral.pk}/decline/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_malformed_and_oversized_bodies(world, settings):
    referral = _sent(world)
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    malformed = api(world.keys["centre"]).post(url, "{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed["Content-Type"] == "application/problem+json"
    settings.API_MAX_BODY = 1024
    huge = api(world.keys["centre"]).post(url, {"note": "x" * 5000}, content_type="application/json")
    assert huge.status_code == 413
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_errors_speak_the_callers_language(world):
    german = api(world.keys["centre"]).get("/api/v1/cases/999999/")
    english = api(world.keys["centre"], HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/cases/999999/")
    assert english.json()["title"] == "Not found."
    assert german.json()["title"] != english.json()["title"]
    assert english["Content-Language"] == "en"


def test_sync_with_the_cursor_sees_every_case_once_and_changed_ones_again(world, settled):
    worker = world.base.users["worker"]
    for number in range(6):
        open_case(worker, family_name=f"Sync{number}")
    client = api(world.keys["city"])
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/cases/?page_size=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        cursor, pages = body["next_cursor"], pages + 1
        if pages == 2:  # a case already handed out changes while the partner pages on
            case_touch(seen[0])  # as every write to a case does
        if not body["has_more"]:
            break
    all_ids = set(Case.objects.values_list("pk", flat=True))
    assert set(seen) == all_ids
    assert sorted(seen) == sorted([*all_ids, seen[0]])  # the changed one came again, nothing else twice
    assert client.get(f"/api/v1/cases/?cursor={cursor}").json()["results"] == []


def test_updated_since_status_and_a_bad_cursor(world, settled):
    client = api(world.keys["city"])
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/cases/", {"updated_since": later}).json()["results"] == []
    naive = client.get("/api/v1/cases/", {"updated_since": "2026-01-01T10:00:00"})
    assert naive.status_code == 400 and "updated_since" in naive.json()["errors"]
    assert client.get("/api/v1/cases/", {"status": "closed"}).json()["results"] == []
    bad = client.get("/api/v1/cases/?cursor=!!!")
    assert bad.status_code == 400 and "cursor" in bad.json()["errors"]
    assert client.get("/api/v1/cases/?page_size=0").status_code == 400


def test_list_queries_do_not_grow_with_the_rows(world, settled):
    worker = world.base.users["worker"]
    client = api(world.keys["city"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/cases/").status_code == 200
        return len(captured)

    open_case(worker, family_name="Eins")
    queries()  # warm: once-a-day alerts (access outside office hours) are raised on the first read
    few = queries()
    for number in range(8):
        open_case(worker, family_name=f"Viele{number}")
    assert queries() == few


def test_throttling_per_client_with_retry_after(world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "3/min"}}
    with mock.patch("api.throttling.ClientRateThrottle.THROTTLE_RATES", {"client": "3/min"}):
        client = api(world.keys["city"])
        statuses = [client.get("/api/v1/cases/").status_code for _ in range(4)]
        other = api(world.keys["centre"]).get("/api/v1/cases/")
    cache.clear()
    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200


def test_a_key_cannot_use_the_web_and_a_session_cannot_use_the_api(world, client):
    from .conftest import login

    web = api(world.keys["city"]).get("/faelle/")
    assert web.status_code in (302, 404)
    login(client, world.base.users["worker"])
    assert client.get("/api/v1/cases/").status_code == 401


def test_the_fast_list_rows_equal_the_declared_serializer(world, settled):
    from api.serializers import CaseRowSerializer, CaseSerializer
    from cases.selectors import cases_visible_to, with_text_visibility

    user = world.clients["city"].account
    rows = list(with_text_visibility(cases_visible_to(user=user).unreported(), user=user))
    assert rows and CaseRowSerializer(rows, many=True).data == CaseSerializer(rows, many=True).data
