"""An agency's administrator manages its webhook endpoints on the web: only its own agency's
(another agency's answer 404, as for everyone without the right), the secret shown once, the
address checked with a German message at the field and nothing saved, the delivery log with a
bounded number of queries."""

from unittest import mock

import pytest
from django.utils import timezone

from agencies.roles import Role
from audit.models import AccessLogEntry
from notifications.models import Notification, WebhookEndpoint
from notifications.services import notify_endpoint, webhook_endpoint_create
from notifications.webhook_admin import webhook_endpoint_register

from .conftest import login
from .factories import AgencyFactory, member

pytestmark = pytest.mark.django_db

LIST = "/benachrichtigungen/webhooks/"
CREATE = "/benachrichtigungen/webhooks/neu/"
LOCAL = "Adressen im lokalen Netz sind nicht erlaubt."


def _detail(endpoint) -> str:
    return f"/benachrichtigungen/webhooks/{endpoint.pk}/"


@pytest.fixture(autouse=True)
def _no_broker():
    # The pages' writes enqueue on commit; these tests look at rows and pages, not delivery.
    with mock.patch("notifications.services.enqueue_delivery"):
        yield


@pytest.fixture
def own(agency):
    endpoint, _secret = webhook_endpoint_create(agency=agency, url="https://partner-a.example/hook")
    return endpoint


@pytest.fixture
def foreign(db):
    other = AgencyFactory(name="Stadt Offenbach am Main – Sozialamt")
    endpoint, _secret = webhook_endpoint_create(agency=other, url="https://partner-b.example/hook")
    return endpoint


@pytest.fixture
def admin_client(verified_client, administrator):
    return verified_client(administrator)


def _dead_letter(endpoint) -> Notification:
    row = notify_endpoint(endpoint=endpoint, event="referral.sent", data={"referral_id": 1})
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.DEAD, attempts=6, last_error="boom")
    return row


def test_the_list_shows_only_the_own_agencys_endpoints(admin_client, own, foreign, agency):
    html = admin_client.get(LIST).content.decode()
    assert own.url in html and agency.name in html
    assert foreign.url not in html and foreign.agency.name not in html


def test_another_agencys_endpoint_answers_404_to_every_page(admin_client, foreign):
    row = _dead_letter(foreign)
    secret = foreign.secret
    base = _detail(foreign)
    assert admin_client.get(base).status_code == 404
    for path, data in (
        ("schluessel/", {}),
        ("aktiv/", {"active": "0"}),
        ("test/", {}),
        (f"zustellungen/{row.pk}/erneut/", {}),
    ):
        assert admin_client.post(base + path, data).status_code == 404, path
    foreign.refresh_from_db()
    row.refresh_from_db()
    assert foreign.secret == secret and foreign.previous_secret == "" and foreign.is_active
    assert row.status == Notification.Status.DEAD
    assert Notification.objects.filter(endpoint=foreign).count() == 1
    assert AccessLogEntry.objects.filter(object_type="webhook", outcome="denied").count() == 5


def test_a_missing_endpoint_looks_like_a_foreign_one(admin_client):
    assert admin_client.get("/benachrichtigungen/webhooks/999999/").status_code == 404


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.CLERK])
def test_staff_without_the_right_get_404(client, agency, own, role):
    login(client, member(role, agency))
    assert client.get(LIST).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert client.get(_detail(own)).status_code == 404
    assert client.post(_detail(own) + "schluessel/").status_code == 404
    assert client.post(_detail(own) + "aktiv/", {"active": "0"}).status_code == 404
    own.refresh_from_db()
    assert own.is_active and own.previous_secret == ""


def test_create_shows_the_secret_once(admin_client, agency):
    response = admin_client.post(CREATE, {"url": "https://partner.example/hook", "events": ["referral.accepted"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    endpoint = WebhookEndpoint.objects.get()
    html = response.content.decode()
    assert endpoint.agency == agency and endpoint.events == ["referral.accepted"]
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in html
    assert "nur dieses eine Mal" in html
    detail = admin_client.get(_detail(endpoint)).content.decode()
    assert endpoint.secret not in detail and "Vermittlung angenommen" in detail
    assert endpoint.secret not in admin_client.get(LIST).content.decode()
    entry = AccessLogEntry.objects.get(object_type="webhook", action="create")
    assert entry.object_ids == [endpoint.pk] and entry.agency_id == agency.pk


def test_rotation_shows_the_new_secret_once_and_the_overlap(admin_client, own):
    old = own.secret
    response = admin_client.post(_detail(own) + "schluessel/")
    own.refresh_from_db()
    html = response.content.decode()
    assert own.secret != old and own.secret in html and own.previous_secret == old
    assert "24 Stunden lang neben dem neuen" in html
    detail = admin_client.get(_detail(own)).content.decode()
    assert own.secret not in detail and old not in detail
    assert "signiert zusätzlich noch bis" in detail


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
    ],
)
def test_an_address_inside_the_network_is_refused_at_the_field(admin_client, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = admin_client.post(CREATE, {"url": url, "events": ["referral.sent"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert LOCAL in html and 'id="id_url-error"' in html
    assert f'value="{url}"' in html  # the input is kept
    assert 'value="referral.sent" checked' in html  # so is the choice of events
    assert not WebhookEndpoint.objects.exists()


def test_production_takes_https_only(admin_client, settings):
    settings.NOTLAGEN_MODE = "production"
    response = admin_client.post(CREATE, {"url": "http://partner.example/hook"})
    assert response.status_code == 400
    assert "Bitte geben Sie eine https://-Adresse des Partnersystems ein." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": ""}, "Bitte geben Sie die Adresse des Partnersystems ein."),
        ({"url": "keine adresse"}, "https://-Adresse"),
        ({"url": "http://[::1"}, "https://-Adresse"),
        ({"url": "https://partner.example:99999/"}, "https://-Adresse"),
        ({"url": "https://partner.example/" + "x" * 600}, "höchstens 500 Zeichen"),
        ({"url": "https://partner.example/", "events": ["case.deleted"]}, "Bitte wählen Sie Ereignisse aus der Liste."),
    ],
)
def test_bad_input_gets_a_german_message_and_saves_nothing(admin_client, data, message):
    response = admin_client.post(CREATE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_administrator_of_several_agencies_sees_them_grouped(verified_client, administrator, agency, own):
    second = AgencyFactory(name="Region Hannover – Fachbereich Soziales")
    member_elsewhere = AgencyFactory(name="Beratungsstelle, in der die Person nur berät")
    from agencies.services import membership_add

    membership_add(user=administrator, agency=second, role=Role.ADMINISTRATOR)
    membership_add(user=administrator, agency=member_elsewhere, role=Role.SOCIAL_WORKER)
    theirs, _secret = webhook_endpoint_create(agency=second, url="https://partner-second.example/hook")
    hidden, _secret = webhook_endpoint_create(agency=member_elsewhere, url="https://partner-hidden.example/hook")
    client = verified_client(administrator)
    html = client.get(LIST).content.decode()
    assert html.index(agency.name) < html.index(own.url)
    assert html.index(second.name) < html.index(theirs.url)
    assert member_elsewhere.name not in html and hidden.url not in html
    assert client.get(_detail(hidden)).status_code == 404
    # The form offers the agencies where the person administers, and no other.
    form = client.get(CREATE).content.decode()
    assert second.name in form and member_elsewhere.name not in form
    response = client.post(CREATE, {"agency": member_elsewhere.pk, "url": "https://x.example/"})
    assert response.status_code == 400 and "Bitte wählen Sie einen Ihrer Träger." in response.content.decode()
    client.post(CREATE, {"agency": second.pk, "url": "https://new.example/hook"})
    assert WebhookEndpoint.objects.get(url="https://new.example/hook").agency == second


def test_switch_off_and_on(admin_client, own):
    admin_client.post(_detail(own) + "aktiv/", {"active": "0"})
    own.refresh_from_db()
    assert not own.is_active
    html = admin_client.get(_detail(own)).content.decode()
    assert "ausgeschaltet" in html and "Testereignis senden" not in html
    # A test event to a switched-off endpoint is refused with a message, nothing written.
    response = admin_client.post(_detail(own) + "test/", follow=True)
    assert "Schalten Sie ihn zuerst ein." in response.content.decode()
    assert not Notification.objects.exists()
    admin_client.post(_detail(own) + "aktiv/", {"active": "1"})
    own.refresh_from_db()
    assert own.is_active
    assert AccessLogEntry.objects.filter(object_type="webhook", action="change").count() == 2


def test_switching_on_checks_the_address_again(admin_client, own, settings):
    WebhookEndpoint.objects.filter(pk=own.pk).update(is_active=False, url="http://127.0.0.1/hook")
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = admin_client.post(_detail(own) + "aktiv/", {"active": "1"}, follow=True)
    assert LOCAL in response.content.decode()
    own.refresh_from_db()
    assert not own.is_active


def test_a_test_event_goes_through_the_outbox(admin_client, own):
    response = admin_client.post(_detail(own) + "test/", follow=True)
    assert "Testereignis ist unterwegs" in response.content.decode()
    row = Notification.objects.get()
    assert row.endpoint == own and row.kind == "webhook.test"
    assert row.payload == {"type": "webhook.test", "data": {"endpoint_id": own.pk}}


def test_resend_only_a_dead_letter_of_this_endpoint(admin_client, own, agency):
    sibling, _secret = webhook_endpoint_create(agency=agency, url="https://partner-a2.example/hook")
    mine, theirs = _dead_letter(own), _dead_letter(sibling)
    assert admin_client.post(_detail(own) + f"zustellungen/{theirs.pk}/erneut/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Notification.Status.DEAD
    response = admin_client.post(_detail(own) + f"zustellungen/{mine.pk}/erneut/", follow=True)
    assert "erneut eingereiht" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Notification.Status.PENDING and mine.attempts == 0
    # Again: it is no dead letter any more.
    response = admin_client.post(_detail(own) + f"zustellungen/{mine.pk}/erneut/", follow=True)
    assert "nicht unzustellbar" in response.content.decode()


def test_the_delivery_log_shows_the_rows_newest_first(admin_client, own):
    rows = [_dead_letter(own) for _ in range(3)]
    html = admin_client.get(_detail(own)).content.decode()
    positions = [html.index(f'id="delivery-{row.pk}"') for row in rows]
    assert positions == sorted(positions, reverse=True)
    assert f"msg_{rows[0].idempotency_key.hex}" in html and "boom" in html
    assert "Erneut senden" in html
    assert '"referral_id"' not in html  # no payload content


def _log_rows(endpoint, count: int) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            endpoint=endpoint,
            channel=Notification.Channel.WEBHOOK,
            kind="referral.sent",
            subject="referral.sent",
            payload={"type": "referral.sent", "data": {"referral_id": n}},
            next_attempt_at=now,
            status=[Notification.Status.DELIVERED, Notification.Status.DEAD][n % 2],
            delivered_at=now if n % 2 == 0 else None,
        )
        for n in range(count)
    )


def test_the_delivery_log_needs_a_bounded_number_of_queries(admin_client, own, django_assert_max_num_queries):
    _log_rows(own, 3)
    admin_client.get(_detail(own))  # warm the session and the user's memberships
    with django_assert_max_num_queries(10) as few:
        assert admin_client.get(_detail(own)).status_code == 200
    _log_rows(own, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(_detail(own) + "?seite=2")
    assert response.status_code == 200 and "Seite 2 von 3" in response.content.decode()


def test_the_list_needs_a_bounded_number_of_queries(admin_client, agency, django_assert_max_num_queries):
    for n in range(2):
        webhook_endpoint_create(agency=agency, url=f"https://p{n}.example/hook")
    admin_client.get(LIST)
    with django_assert_max_num_queries(10) as few:
        admin_client.get(LIST)
    for n in range(2, 12):
        endpoint, _secret = webhook_endpoint_create(agency=agency, url=f"https://p{n}.example/hook")
        _log_rows(endpoint, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(LIST).status_code == 200


def test_the_service_refuses_an_agency_the_actor_does_not_administer(administrator, social_worker):
    from access.errors import NotFound

    with pytest.raises(NotFound):
        webhook_endpoint_register(actor=administrator, agency=AgencyFactory(), url="https://x.example/")
    with pytest.raises(NotFound):
        webhook_endpoint_register(
            actor=social_worker, agency=social_worker.memberships.get().agency, url="https://x.example/"
        )
    assert not WebhookEndpoint.objects.exists()
