"""An adversarial review of referrals (issue 13): a partner of another centre, the receiving
centre after the referral ended, a clerk, a rogue administrator and two people acting at the
same moment try to read or change what is not theirs. Each test names the attack; its docstring
says what should happen. Tests of attacks that fail as they should are kept for coverage."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.case_access import case_access
from access.errors import NotFound
from agencies.models import Agency
from audit.models import AccessLogEntry
from cases import grants
from cases.models import AccessGrant, Consent
from notifications.events import WEBHOOK_EVENTS
from notifications.models import Notification, WebhookEndpoint
from notifications.services import webhook_endpoint_create
from notifications.webhooks import check_url
from referrals import services
from referrals.models import Offer, OfferLocation, Provider, Referral, Status, Transition

from .conftest import login
from .referrals_world import build_referral_world, refer
from .world import open_case

MESSAGE = "Spricht Deutsch und Polnisch."
PURPOSE = "Beratung und Schutzplanung"


@pytest.fixture(autouse=True)
def _no_broker():
    # Rows are what these tests look at; nothing is handed to the broker on commit.
    with mock.patch("notifications.services.enqueue_delivery"):
        yield


@pytest.fixture
def world(db):
    return build_referral_world()


def _sees_case(user, case) -> bool:
    try:
        case_access(user=user, case_id=case.pk, report=False, log_refusal=False)
    except NotFound:
        return False
    return True


def _denied() -> int:
    return AccessLogEntry.objects.filter(outcome="denied").count()


def _form(world, **changes) -> dict:
    data = {
        "purpose": PURPOSE,
        "scope": "collaborate",
        "legal_basis": f"consent:{world.consent.pk}",
        "urgency": "soon",
        "respond_by": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "message": MESSAGE,
        "send": "1",
    }
    data.update(changes)
    return data


# --- the receiving side: what it sees and when -----------------------------------------------


def test_discarding_a_draft_works_and_the_receiver_never_sees_it(world):
    """Discarding a draft on the referral page ends it (302, no server error), and a draft
    that was never sent stays invisible to the receiving centre: no page (404), no row in
    its inbox. Today discarding fails: a "withdrawn" row needs a legal basis, sent_at and a
    deadline (check constraints referral_sent_has_one_legal_basis and
    referral_sent_has_sent_at_and_deadline), which a draft lacks: IntegrityError, 500.
    (Were the constraint relaxed, the receiver's side would accept the "withdrawn" status of a
    draft that was never sent: access.referrals.side_of and the inbox exclude only "draft".)"""
    draft = refer(world, send=False, respond_by=None, basis="none")
    worker = Client(raise_request_exception=False)
    login(worker, world.users["worker"])
    url = reverse("referrals:act", args=[draft.pk, "zurueckziehen"])
    response = worker.post(url, {"zurueckziehen-version": draft.version})
    assert response.status_code == 302
    discarded = Referral.objects.filter(pk=draft.pk).first()
    assert discarded is None or (discarded.status == Status.WITHDRAWN and discarded.sent_at is None)
    counsellor = Client()
    login(counsellor, world.users["counsellor"])
    assert counsellor.get(reverse("referrals:detail", args=[draft.pk])).status_code == 404
    for state in ("beendet", "alle"):
        inbox = counsellor.get(reverse("referrals:inbox"), {"status": state}).content.decode()
        assert world.case.reference not in inbox


def test_the_message_goes_to_the_receiver_and_on_the_slip_but_the_case_does_not(client, world):
    """The message is the referral's own content, written for the provider and sent on the
    referral's legal basis: the receiver reads it (and the slip prints it) whatever the scope.
    The case itself — here its summary — opens only with the grant of an acceptance."""
    referral = refer(world, scope="basic")
    login(client, world.users["counsellor"])
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert MESSAGE in page
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 404


def test_receiver_with_an_open_grant_sees_neither_other_referrals_nor_refers_onward(client, world):
    """After accepting, the centre sees the case within the scope, but not the case's referral
    list (where else the person was referred is itself sensitive), not the referral to another
    provider, and it cannot refer the case onward: all 404."""
    ours = refer(world)
    theirs = refer(world, offer=world.external_offer)
    counsellor = world.users["counsellor"]
    services.referral_accept(actor=counsellor, referral=ours, version=ours.version)
    assert _sees_case(counsellor, world.case)
    login(client, counsellor)
    assert client.get(reverse("referrals:case", args=[world.case.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[theirs.pk])).status_code == 404
    create = reverse("referrals:create", args=[world.case.pk]) + f"?angebot={world.external_offer.pk}"
    assert client.get(create).status_code == 404
    assert client.post(create, _form(world)).status_code == 404
    html = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert world.external_offer.name not in html
    with pytest.raises(NotFound):
        refer(world, offer=world.external_offer, actor=counsellor)
    assert Referral.objects.count() == 2


def test_receiver_loses_the_case_when_the_follow_up_after_completion_ends(world, settings):
    """Completing keeps the centre's access for REFERRAL_FOLLOW_UP_DAYS; a day later the case
    answers "not found" again."""
    settings.REFERRAL_FOLLOW_UP_DAYS = 14
    counsellor = world.users["counsellor"]
    referral = refer(world)
    referral = services.referral_accept(actor=counsellor, referral=referral)
    referral = services.referral_complete(actor=counsellor, referral=referral, outcome="successful")
    assert _sees_case(counsellor, world.case)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert not _sees_case(counsellor, world.case)


def test_accepting_after_the_consent_was_withdrawn_opens_nothing(world):
    """The person withdrew the consent after the referral was sent: accepting is refused with a
    message and no grant is opened; the referral stays unanswered."""
    referral = refer(world)
    grants.consent_withdraw(actor=world.users["worker"], consent=world.consent, note="Widerruf")
    with pytest.raises(ValidationError):
        services.referral_accept(actor=world.users["counsellor"], referral=referral, version=referral.version)
    referral.refresh_from_db()
    assert referral.status == Status.SENT and referral.grant_id is None
    assert not AccessGrant.objects.filter(grantee_agency=world.agencies["centre"]).exists()
    assert not _sees_case(world.users["counsellor"], world.case)


def test_accepting_after_the_centre_lost_the_right_to_receive_case_data_opens_nothing(world):
    """The centre was marked as not receiving case data after the referral was sent: the
    acceptance is refused and no grant opens; a new referral to it is refused at the offer."""
    referral = refer(world)
    Agency.objects.filter(pk=world.agencies["centre"].pk).update(receives_case_data=False)
    with pytest.raises(ValidationError):
        services.referral_accept(actor=world.users["counsellor"], referral=referral)
    assert not AccessGrant.objects.exists()
    services.referral_withdraw(actor=world.users["worker"], referral=referral, note="Neu")
    with pytest.raises(ValidationError) as error:
        refer(world, offer=Offer.objects.select_related("provider__agency").get(pk=world.offer.pk))
    assert "offer" in error.value.message_dict


# --- the referring side: choosing the offer, drafts, the slip --------------------------------


@pytest.mark.parametrize("which", ["inactive_offer", "inactive_provider", "own_agency"])
def test_an_offer_that_may_not_be_referred_to_is_refused_and_nothing_is_saved(world, which):
    """?angebot= may point anywhere: an inactive offer, an offer of an inactive provider, or an
    offer of the referring agency itself is refused at the offer and nothing is saved."""
    offer = world.offer
    if which == "inactive_offer":
        Offer.objects.filter(pk=offer.pk).update(is_active=False)
    elif which == "inactive_provider":
        Provider.objects.filter(pk=offer.provider_id).update(is_active=False)
    else:
        provider = Provider.objects.create(name="Eigene Stelle", agency=world.agencies["city"])
        offer = Offer.objects.create(provider=provider, name="Eigene Beratung", category="debt")
        OfferLocation.objects.create(offer=offer, street="Weg 1", postal_code="30159", city="Hannover")
    offer = Offer.objects.get(pk=offer.pk)
    for send in (True, False):
        with pytest.raises(ValidationError) as error:
            refer(world, offer=offer, send=send)
        assert "offer" in error.value.message_dict
    assert not Referral.objects.exists()


def test_the_reason_an_offer_is_refused_is_shown_to_the_worker(client, world):
    """The offer travels in a hidden field, so its error must be shown where the worker sees it:
    a second referral of the case to the same open offer says so in German. Today the page only
    says "some fields need your attention" and the reason is nowhere."""
    refer(world)
    login(client, world.users["worker"])
    url = reverse("referrals:create", args=[world.case.pk]) + f"?angebot={world.offer.pk}"
    response = client.post(url, _form(world))
    assert response.status_code == 400
    assert Referral.objects.count() == 1
    assert "bereits eine offene Vermittlung an dieses Angebot" in response.content.decode()


def test_a_malformed_draft_id_answers_not_found(world):
    """?entwurf= is user input: something that is not a number answers 404 like any unknown
    draft, not a server error."""
    client = Client(raise_request_exception=False)
    login(client, world.users["worker"])
    url = reverse("referrals:create", args=[world.case.pk]) + f"?angebot={world.offer.pk}&entwurf=abc"
    assert client.get(url).status_code == 404


def test_the_draft_of_another_case_answers_404_and_the_refusal_is_logged(client, world):
    """/faelle/<A>/vermittlungen/neu/?entwurf=<draft of case B>: not found, and — like every
    refusal — logged once as denied. Today the 404 is raised without an access-log entry."""
    worker = world.users["worker"]
    other_case = open_case(worker, family_name="Zweite", given_name="Person")
    other_draft = services.referral_save(
        actor=worker, case=other_case, offer=world.offer, purpose="Anderer Zweck", scope="basic", send=False
    )
    login(client, worker)
    before = _denied()
    url = reverse("referrals:create", args=[world.case.pk]) + f"?entwurf={other_draft.pk}"
    response = client.get(url)
    assert response.status_code == 404
    assert b"Anderer Zweck" not in response.content
    assert _denied() == before + 1


@pytest.mark.parametrize("ending", ["referral_withdrawn", "consent_withdrawn"])
def test_no_slip_is_printed_without_a_legal_basis_in_force(client, world, ending):
    """The slip hands the person's name, date of birth and purpose to a provider "with only what
    the consent covers". Once the referral was withdrawn, or the person withdrew the consent, it
    covers nothing: the slip must no longer be printed (404). Today it still is."""
    worker = world.users["worker"]
    referral = refer(world, offer=world.external_offer)
    if ending == "referral_withdrawn":
        services.referral_withdraw(actor=worker, referral=referral, note="Nicht mehr nötig")
    else:
        grants.consent_withdraw(actor=worker, consent=world.consent, note="Widerruf")
        assert Consent.objects.get(pk=world.consent.pk).withdrawn_at is not None
    login(client, worker)
    assert client.get(reverse("referrals:slip", args=[referral.pk])).status_code == 404


# --- outsiders: another centre, a clerk, an editor, a rogue administrator ------------------------


def test_every_refusal_on_a_referral_is_a_404_logged_exactly_once(client, world):
    """Staff of another centre, a clerk and the receiving centre's directory editor get 404 on the
    page, every step and the slip, and each refusal leaves exactly one "denied" entry; a missing
    referral looks the same."""
    referral = refer(world)
    missing = Referral.objects.order_by("-pk").first().pk + 1000
    for name in ("other", "clerk", "editor"):
        client.logout()
        login(client, world.users[name])
        for pk in (referral.pk, missing):
            requests = [("get", reverse("referrals:detail", args=[pk]), {})]
            requests += [
                ("post", reverse("referrals:act", args=[pk, slug]), {f"{slug}-version": referral.version})
                for slug in ("annehmen", "ablehnen", "zurueckziehen", "senden", "erstkontakt", "abschliessen")
            ]
            requests.append(("get", reverse("referrals:slip", args=[pk]), {}))
            for method, url, data in requests:
                before = _denied()
                assert getattr(client, method)(url, data).status_code == 404, (name, url)
                assert _denied() == before + 1, (name, url)
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_referrals_directory_and_endpoints_are_not_in_the_django_admin(verified_client, world):
    """The Django admin (/verwaltung/) is no way around the services: referrals, their history,
    providers, offers, grants and webhook endpoints are not registered, so an administrator can
    neither create a grant-bearing referral nor set a referral's status there."""
    for model in (Referral, Transition, Provider, Offer, OfferLocation, AccessGrant, WebhookEndpoint, Notification):
        assert not admin.site.is_registered(model), model
    client = verified_client(world.users["admin"])
    referral = refer(world)
    for url in (
        "/verwaltung/referrals/referral/add/",
        f"/verwaltung/referrals/referral/{referral.pk}/change/",
        "/verwaltung/referrals/offer/add/",
    ):
        assert client.post(url, {"status": "accepted", "case": world.case.pk}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.SENT and referral.grant_id is None


def test_notifications_and_webhooks_of_referrals_carry_no_case_content(world):
    """Mail and in-app texts name the case number and link; webhook payloads carry event, ids and
    the status. Neither carries the person's name, the purpose, the message or the offer."""
    referring = webhook_endpoint_create(agency=world.agencies["city"], url="https://a.example/h", events=[])[0]
    receiving = webhook_endpoint_create(agency=world.agencies["centre"], url="https://b.example/h", events=[])[0]
    unrelated = webhook_endpoint_create(agency=world.agencies["other"], url="https://c.example/h", events=[])[0]
    worker, counsellor = world.users["worker"], world.users["counsellor"]
    referral = refer(world)
    referral = services.referral_accept(actor=counsellor, referral=referral)
    services.referral_withdraw(actor=worker, referral=referral, note="Person umgezogen")
    rows = Notification.objects.filter(kind__startswith="referral.")
    assert rows.filter(endpoint__isnull=True).exists() and rows.filter(endpoint=referring).exists()
    assert rows.filter(endpoint=receiving).exists() and not rows.filter(endpoint=unrelated).exists()
    secret = ["Erika", "Beispiel", PURPOSE, MESSAGE, world.offer.name, "umgezogen"]
    for row in rows:
        text = f"{row.subject} {row.body} {row.payload}"
        assert not any(word in text for word in secret), text
        if row.endpoint_id:
            assert set(row.payload) == {"type", "data"} and row.payload["type"] in WEBHOOK_EVENTS
            assert set(row.payload["data"]) == {
                "referral_id",
                "status",
                "referring_agency_id",
                "receiving_agency_id",
                "offer_id",
            }


@pytest.mark.parametrize("url", ["http://100.100.100.200/latest/meta-data/", "https://100.64.0.1/hook"])
def test_a_webhook_to_the_shared_address_space_is_refused(settings, url):
    """100.64.0.0/10 (RFC 6598, carrier-grade NAT; cloud metadata services such as
    100.100.100.200 live there) is not on the Internet: like private addresses it is refused
    unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES. Today only is_private/loopback/link-local/reserved
    are checked, which this range is none of."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:7f00:1]/hook",
        "http://0.0.0.0/hook",
        "http://[::]/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://127.1/hook",
        "http://localhost./hook",
        "http://[fd00::1]/hook",
        "http://198.18.0.1/hook",
    ],
)
def test_webhook_addresses_in_disguise_are_refused(settings, url):
    """Loopback written as IPv4-mapped IPv6, the unspecified address, decimal, hex and short
    forms, a trailing dot, unique-local IPv6 and the benchmark range are all refused."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError):
        check_url(url)


# --- two people at the same moment ----------------------------------------------------------------


def _in_threads(*targets, timeout=20):
    errors: list[BaseException] = []

    def run(target):
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_open_one_grant():
    """Two counsellors accept the same referral at the same moment: one wins, the other is told
    the referral changed; exactly one grant is opened."""
    from agencies.roles import Role

    from .factories import member

    world = build_referral_world()
    second = member(Role.PARTNER_STAFF, world.agencies["centre"], username="ref-counsellor-2")
    referral = refer(world)
    start = threading.Barrier(2)

    def accept(user):
        def run():
            start.wait()
            services.referral_accept(actor=user, referral=Referral(pk=referral.pk), version=referral.version)

        return run

    errors = _in_threads(accept(world.users["counsellor"]), accept(second))
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert AccessGrant.objects.filter(grantee_agency=world.agencies["centre"]).count() == 1
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_waiting_on_an_acceptance_revokes_the_grant_it_opened():
    """The centre accepts while the worker withdraws: the withdrawal waits for the acceptance's
    row lock and must then revoke the grant the acceptance opened — the centre never keeps the
    case of a withdrawn referral."""
    world = build_referral_world()
    referral = refer(world)
    counsellor, worker = world.users["counsellor"], world.users["worker"]
    accepted = threading.Event()

    def accept():
        with transaction.atomic():
            services.referral_accept(actor=counsellor, referral=Referral(pk=referral.pk))
            accepted.set()
            time.sleep(1.0)  # the withdrawal below now waits for this row lock

    def withdraw():
        assert accepted.wait(10)
        services.referral_withdraw(actor=worker, referral=Referral(pk=referral.pk), note="Umgezogen")

    assert _in_threads(accept, withdraw) == []
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN and referral.grant_id is not None
    assert AccessGrant.objects.get(pk=referral.grant_id).revoked_at is not None
    assert not _sees_case(counsellor, world.case)
