"""Adversarial review of the partner API (issue 14): other agencies' partners, dead keys, a rogue
agency administrator, a reader of a database dump and a hostile developer. Each test names the
attack and what must happen; a failing test is a weakness (see the review report)."""

import base64
import json
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.errors import NotFound
from agencies.models import Agency, Membership
from agencies.roles import Role
from agencies.services import membership_add, membership_confirm
from api import idempotency, services
from api.models import ApiKey, IdempotentRequest
from api.selectors import client_for
from audit.models import AccessLogEntry
from cases.services import note_add
from referrals.models import Offer, Referral, Status

from .api_world import api, build_api_world
from .referrals_world import refer

JSON = "application/json"
MISSING = 999999


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch("notifications.services.enqueue_delivery"):
        yield


@pytest.fixture
def world(db):
    cache.clear()
    return build_api_world()


def _accepted(world, scope="collaborate") -> Referral:
    referral = refer(world.base, scope=scope)
    response = api(world.keys["centre"]).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type=JSON)
    assert response.status_code == 200, response.content
    return referral


def _denied() -> int:
    return AccessLogEntry.objects.filter(outcome="denied", channel="api").count()


def _call(key, method, url, body=None, **headers):
    client = api(key, **headers)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body or {}), content_type=JSON)


def assert_like_missing(key, method, template, real_id, body=None, **headers):
    """The refused object answers exactly like a missing one (status, headers, bytes), and
    each refusal is logged once on the api channel."""
    before = _denied()
    refused = _call(key, method, template.format(real_id), body, **headers)
    assert _denied() == before + 1
    missing = _call(key, method, template.format(MISSING), body, **headers)
    assert _denied() == before + 2
    assert refused.status_code == missing.status_code == 404, refused.content
    assert refused.content == missing.content
    fresh = {"X-Request-ID"}  # a new id on every response
    assert {k: v for k, v in refused.items() if k not in fresh} == {k: v for k, v in missing.items() if k not in fresh}


def test_another_agencys_partner_learns_nothing_about_a_case(world):
    """(1) The unrelated centre's client probes the city's case, its person, notes, payments and
    referral, and tries to accept the referral: every answer is the 404 of a missing object."""
    referral = refer(world.base)
    case = world.base.case
    other = world.keys["other"]
    for method, template, real, body in [
        ("get", "/api/v1/cases/{}/", case.pk, None),
        ("get", "/api/v1/cases/{}/notes/", case.pk, None),
        ("post", "/api/v1/cases/{}/notes/", case.pk, {"category": "general", "text": "x"}),
        ("get", "/api/v1/cases/{}/payments/", case.pk, None),
        ("get", "/api/v1/persons/{}/", case.person_id, None),
        ("get", "/api/v1/referrals/{}/", referral.pk, None),
        ("post", "/api/v1/referrals/{}/accept/", referral.pk, {}),
        ("post", "/api/v1/referrals/{}/decline/", referral.pk, {"outcome": "no_capacity"}),
    ]:
        assert_like_missing(other, method, template, real, body)
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    for url in (f"/api/v1/events/?agency={world.base.agencies['centre'].pk}", "/api/v1/referrals/incoming/"):
        assert api(other).get(url).json()["results"] == []


def test_basic_scope_shows_neither_title_summary_nor_notes(world):
    """(1) With a basic grant the centre reads the case frame only: title and summary are null in
    list and detail, and notes (any category) look like those of a missing case."""
    _accepted(world, scope="basic")
    case = world.base.case
    note_add(actor=world.base.users["worker"], case=case, category="general", text="Geheim")
    centre = world.keys["centre"]
    detail = api(centre).get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["title"] is None and detail["summary"] is None
    with mock.patch("api.pagination.SETTLE", timedelta(0)):
        rows = api(centre).get("/api/v1/cases/").json()["results"]
    assert [r["title"] for r in rows if r["id"] == case.pk] == [None]
    assert_like_missing(centre, "get", "/api/v1/cases/{}/notes/", case.pk)
    assert_like_missing(centre, "post", "/api/v1/cases/{}/notes/", case.pk, {"category": "general", "text": "x"})
    assert b"Geheim" not in api(centre).get(f"/api/v1/cases/{case.pk}/notes/?category=general").content


def test_collaborate_scope_reads_no_note_of_a_category_it_lacks(world):
    """(1) With collaborate the centre asks for finance notes by filter, by a repeated filter and
    by page size: none is handed out."""
    _accepted(world)
    case = world.base.case
    note_add(actor=world.base.users["worker"], case=case, category="finances", text="Schulden 4000")
    centre = api(world.keys["centre"])
    with mock.patch("api.pagination.SETTLE", timedelta(0)):
        for query in ("", "?category=finances", "?category=general&category=finances", "?page_size=200"):
            response = centre.get(f"/api/v1/cases/{case.pk}/notes/{query}")
            assert b"Schulden" not in response.content


def test_deactivated_offer_is_hidden_as_in_the_web(world):
    """(1) WEAKNESS. An offer taken out of the directory is a 404 on the web for everyone but its
    editors (referrals/directory/views.py offer_detail). Through the API another agency's client
    must get the same 404 as for a missing offer."""
    offer = world.base.offer
    Offer.objects.filter(pk=offer.pk).update(is_active=False)
    assert_like_missing(world.keys["other"], "get", "/api/v1/offers/{}/", offer.pk)


def test_editor_of_one_provider_cannot_change_another_providers_offer(world):
    """(1)/(3) A directory editor of the unrelated centre patches the centre's offer and the
    external provider's offer with a valid ETag: the 404 of a missing offer, nothing changes."""
    other = world.clients["other"]
    membership_add(user=other.account, agency=other.agency, role=Role.DIRECTORY_EDITOR)
    for offer in (world.base.offer, world.base.external_offer):
        tag = f'"{offer.pk}-{offer.version}"'
        assert_like_missing(
            world.keys["other"], "patch", "/api/v1/offers/{}/", offer.pk, {"waiting_days": 3}, HTTP_IF_MATCH=tag
        )
        assert Offer.objects.get(pk=offer.pk).version == offer.version


def test_webhooks_of_another_agency_are_out_of_reach(world):
    """(1) Both centres' clients keep webhooks; the unrelated one lists, switches off and tests
    the centre's endpoint: it sees only its own, and the refusals equal a missing endpoint."""
    for name in ("centre", "other"):
        client = world.clients[name]
        membership_add(user=client.account, agency=client.agency, role=Role.SERVICE_ACCOUNT)
    made = api(world.keys["centre"]).post("/api/v1/webhooks/", {"url": "https://partner.example/h"}, content_type=JSON)
    endpoint_id = made.json()["id"]
    assert api(world.keys["other"]).get("/api/v1/webhooks/").json() == []
    assert_like_missing(world.keys["other"], "patch", "/api/v1/webhooks/{}/", endpoint_id, {"is_active": False})
    assert_like_missing(world.keys["other"], "post", "/api/v1/webhooks/{}/test/", endpoint_id)


def test_a_draft_referral_is_invisible_to_its_receiver(world):
    """(1) A referral not yet sent: the receiving centre neither lists nor reads nor accepts it."""
    draft = refer(world.base, send=False)
    assert_like_missing(world.keys["centre"], "get", "/api/v1/referrals/{}/", draft.pk)
    assert_like_missing(world.keys["centre"], "post", "/api/v1/referrals/{}/accept/", draft.pk)
    with mock.patch("api.pagination.SETTLE", timedelta(0)):
        assert api(world.keys["centre"]).get("/api/v1/referrals/incoming/").json()["results"] == []


@pytest.mark.parametrize("kind", ["revoked", "expired", "deactivated"])
def test_dead_keys_get_401_and_no_stored_answer(world, kind):
    """(2) A stored idempotent answer is not replayed to a key that was revoked, expired or whose
    client was deactivated since: 401 before the store is asked."""
    referral = refer(world.base)
    centre = world.clients["centre"]
    IdempotentRequest.objects.create(client=centre, key="k1", fingerprint="x", status_code=200, body=b"SECRET")
    response = api(world.keys[kind], HTTP_IDEMPOTENCY_KEY="k1").post(
        f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type=JSON
    )
    assert response.status_code == 401 and b"SECRET" not in response.content


def test_a_deactivated_agencys_keys_stop(world):
    """(2) The agency itself is switched off: its clients' keys answer 401 at once."""
    Agency.objects.filter(pk=world.clients["city"].agency_id).update(is_active=False)
    assert api(world.keys["city"]).get("/api/v1/cases/").status_code == 401


def test_idempotency_keys_do_not_cross_clients_or_paths(world):
    """(5) The centre's stored answer under key "k" is not given to the other centre sending the
    same key, path and body; the same key on another path is refused with 422."""
    referral = refer(world.base)
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    body = {"outcome": "no_capacity"}
    first = _call(world.keys["centre"], "post", url, body, HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 200
    foreign = _call(world.keys["other"], "post", url, body, HTTP_IDEMPOTENCY_KEY="k")
    assert foreign.status_code == 404 and "Idempotent-Replayed" not in foreign
    elsewhere = _call(
        world.keys["centre"], "post", f"/api/v1/referrals/{referral.pk}/accept/", body, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert elsewhere.status_code == 422


def test_a_request_in_flight_with_the_same_key_is_not_run_twice(world):
    """(5) A retry arrives while the first request with the key still runs: 409, nothing done."""
    referral = refer(world.base)
    url = f"/api/v1/referrals/{referral.pk}/accept/"
    fake = SimpleNamespace(method="POST", path=url)
    IdempotentRequest.objects.create(
        client=world.clients["centre"], key="busy", fingerprint=idempotency.fingerprint(fake, b"{}")
    )
    response = api(world.keys["centre"], HTTP_IDEMPOTENCY_KEY="busy").post(url, "{}", content_type=JSON)
    assert response.status_code == 409
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def _note_with_key(world):
    referral = _accepted(world)
    url = f"/api/v1/cases/{world.base.case.pk}/notes/"
    body = {"category": "general", "text": "Frau B. zieht zur Schwester"}
    first = _call(world.keys["centre"], "post", url, body, HTTP_IDEMPOTENCY_KEY="n1")
    assert first.status_code == 201
    return referral, url, body


def test_a_replay_after_access_ended_hands_out_nothing(world):
    """(2) WEAKNESS. The centre wrote a note with an Idempotency-Key; then its role was taken
    away. Replaying the request must not hand out the stored note (personal data): the store
    is consulted before any access check (api/base.py initial, api/idempotency.py claim)."""
    _referral, url, body = _note_with_key(world)
    Membership.objects.filter(user=world.clients["centre"].account).delete()
    again = _call(world.keys["centre"], "post", url, body, HTTP_IDEMPOTENCY_KEY="n1")
    assert b"Schwester" not in again.content and again.status_code == 404


def test_a_replayed_answer_is_logged_as_a_read(world):
    """(5) WEAKNESS. A replay hands out the note's text again; every read of personal data is
    logged on channel api, so the replay must leave an entry too."""
    _referral, url, body = _note_with_key(world)
    before = AccessLogEntry.objects.filter(channel="api").count()
    again = _call(world.keys["centre"], "post", url, body, HTTP_IDEMPOTENCY_KEY="n1")
    assert again["Idempotent-Replayed"] == "true"
    assert AccessLogEntry.objects.filter(channel="api").count() > before


def test_a_dump_reveals_no_key_and_old_answers_are_purged(world):
    """(4) The key table holds prefix and SHA-256 digest only, never the secret; stored answers
    (which hold personal data in clear, like the source rows) are deleted after the day."""
    for whole in (world.keys["centre"], world.keys["city"]):
        secret = whole.split("_", 2)[2]
        row = ApiKey.objects.filter(prefix=whole.split("_")[1]).values().get()
        assert secret not in json.dumps(row, default=str) and len(row["digest"]) == 64
    _note_with_key(world)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency.purge() == 1 and not IdempotentRequest.objects.exists()


def _editor(world):
    centre = world.clients["centre"]
    membership_add(user=centre.account, agency=centre.agency, role=Role.DIRECTORY_EDITOR)
    return world.base.offer, f"/api/v1/offers/{world.base.offer.pk}/"


def test_if_match_of_another_object_or_a_weak_tag_is_stale(world):
    """(5) If-Match naming another offer's ETag, a weak tag or a list: 412, nothing changes."""
    offer, url = _editor(world)
    other = world.base.external_offer
    for tag in (f'"{other.pk}-{offer.version}"', f'W/"{offer.pk}-{offer.version}"', f'"x", "{offer.pk}-0"'):
        response = _call(world.keys["centre"], "patch", url, {"waiting_days": 3}, HTTP_IF_MATCH=tag)
        assert response.status_code == 412, tag
    assert Offer.objects.get(pk=offer.pk).version == offer.version


def test_if_match_star_does_not_overwrite_unseen_changes(world):
    """(5) WEAKNESS. Updates of fields require If-Match so they never overwrite changes unseen
    (api/base.py expected_version, required=True); "If-Match: *" passes any version, so a
    partner overwrites a colleague's change it never read. Expected: 428 like a missing one."""
    offer, url = _editor(world)
    Offer.objects.filter(pk=offer.pk).update(version=offer.version + 1, waiting_days=1)
    response = _call(world.keys["centre"], "patch", url, {"waiting_days": 30}, HTTP_IF_MATCH="*")
    assert response.status_code == 428
    assert Offer.objects.get(pk=offer.pk).waiting_days == 1


def test_forwarded_for_cannot_pass_the_allow_list(world, settings):
    """(5) With no trusted proxy X-Forwarded-For is ignored; behind one proxy only the address
    the proxy appended counts, not one the caller wrote in front."""
    centre = world.clients["centre"]
    centre.allowed_networks = "192.168.0.0/24"
    centre.save()
    settings.AXES_IPWARE_PROXY_COUNT = 0
    spoof = api(world.keys["centre"], REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="192.168.0.9")
    assert spoof.get("/api/v1/cases/").status_code == 401
    settings.AXES_IPWARE_PROXY_COUNT = 1
    chain = api(world.keys["centre"], REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.0.9, 10.1.2.3")
    assert chain.get("/api/v1/cases/").status_code == 401
    honest = api(world.keys["centre"], REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3, 192.168.0.9")
    assert honest.get("/api/v1/cases/").status_code == 200


@pytest.mark.parametrize("path", ["docs/", "redoc/", "schema/"])
def test_docs_are_not_served_to_anonymous_callers_or_keys(world, path):
    """(5) The docs need a web session: anonymous and key-only callers are sent to the login."""
    for caller in (api(), api(world.keys["city"])):
        response = caller.get(f"/api/v1/{path}")
        assert response.status_code == 302 and "openapi" not in response.content.decode().lower()


def test_throttle_counts_per_client_across_its_keys(world):
    """(5) A partner issuing itself a second key does not get a second budget."""
    second = services.key_bootstrap(client=world.clients["city"], created_by=world.base.users["admin"])[1]
    with mock.patch("api.throttling.ClientRateThrottle.THROTTLE_RATES", {"client": "2/min"}):
        statuses = [api(k).get("/api/v1/cases/").status_code for k in (world.keys["city"], second, second)]
    cache.clear()
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize(
    ("header", "body"),
    [
        ({"HTTP_AUTHORIZATION": "Api-Key nlk_abc\x00defghi_secret"}, "{}"),
        ({"HTTP_AUTHORIZATION": "Api-Key nlk_abcdefghij_" + "a" * 5000}, "{}"),
        ({"HTTP_IDEMPOTENCY_KEY": "a\x00b"}, "{}"),
        ({"HTTP_IDEMPOTENCY_KEY": "x" * 201}, "{}"),
        ({}, "[" * 20000),
        ({"CONTENT_LENGTH": "-5"}, "{}"),
    ],
)
def test_hostile_headers_and_bodies_get_4xx_not_5xx(world, header, body):
    """(5) NUL bytes in the key or Idempotency-Key, an overlong key, deeply nested JSON, a
    negative Content-Length: a 4xx problem, never a server error, nothing changes."""
    referral = refer(world.base)
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {world.keys['centre']}", **header}
    client = api(raise_request_exception=False, **headers)
    response = client.post(f"/api/v1/referrals/{referral.pk}/decline/", body, content_type=JSON)
    assert 400 <= response.status_code < 500, response.status_code
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def _cursor(text: str) -> str:
    return "cursor=" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FORGED = ("2026-01-01T00:00:00+00:00|99999999999999999999999", "9999-12-31|1", "0001-01-01T00:00:00+14:00|1")


@pytest.mark.parametrize("query", [_cursor(text) for text in FORGED] + ["page_size=1e9"])
def test_forged_cursors_and_sizes(world, query):
    """(5) A cursor with an id beyond bigint, without zone or at the edge of time, a size in
    exponent form: 400 or an empty page, never a server error; a huge id is a plain 404."""
    response = api(world.keys["city"], raise_request_exception=False).get(f"/api/v1/cases/?{query}")
    assert response.status_code in (200, 400), response.content
    big = api(world.keys["city"], raise_request_exception=False).get(f"/api/v1/cases/{10**25}/")
    assert big.status_code == 404


def test_a_rogue_administrator_cannot_reach_another_agency_or_skip_the_second_person(world):
    """(3) The city's administrator registers a client for the centre, gives one a role no key may
    hold, reads or keys the centre's client, and confirms her own client's role: all refused;
    her client's key reads no case until a second person confirms."""
    admin, base = world.base.users["admin"], world.base
    with pytest.raises((NotFound, ValidationError)):
        services.client_register(actor=admin, agency=base.agencies["centre"], name="X", roles=[Role.SOCIAL_WORKER])
    with pytest.raises(ValidationError):
        services.client_register(actor=admin, agency=base.agencies["city"], name="Y", roles=[Role.ADMINISTRATOR])
    with pytest.raises(NotFound):
        services.key_issue(actor=admin, client=world.clients["centre"])
    with pytest.raises(NotFound):
        client_for(user=admin, client_id=world.clients["centre"].pk)
    mine = services.client_register(actor=admin, agency=base.agencies["city"], name="Z", roles=[Role.SOCIAL_WORKER])
    _key, whole = services.key_issue(actor=admin, client=mine)
    assert api(whole).get(f"/api/v1/cases/{base.case.pk}/").status_code == 404
    pending = Membership.objects.get(user=mine.account)
    with pytest.raises((NotFound, ValidationError)):
        membership_confirm(actor=admin, membership=pending)
    assert Membership.objects.get(pk=pending.pk).status == Membership.Status.PENDING
