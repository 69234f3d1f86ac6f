"""The outbox beyond users: mail to an address without an account and signed webhooks to an
agency's partner system, each delivery carrying its idempotency key."""

import http.server
import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from notifications import delivery
from notifications.models import Notification
from notifications.services import notify_address, notify_partner_systems, webhook_endpoint_create
from notifications.webhooks import check_url

from .factories import AgencyFactory

pytestmark = pytest.mark.django_db


class _Receiver(http.server.BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict, bytes]] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(type(self).answers.pop(0) if type(self).answers else 204)
        self.end_headers()

    def log_message(self, *args):
        return


@pytest.fixture
def receiver():
    _Receiver.answers, _Receiver.received = [], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", _Receiver
    server.shutdown()


@pytest.fixture
def endpoint(receiver):
    url, _handler = receiver
    return webhook_endpoint_create(agency=AgencyFactory(), url=url, events=["referral.sent"])


def _rows(**filters):
    return list(Notification.objects.filter(**filters))


def test_webhook_is_signed_and_carries_the_idempotency_key(endpoint, receiver):
    (endpoint_row, secret), (_url, handler) = endpoint, receiver
    (row,) = notify_partner_systems(agency=endpoint_row.agency, event="referral.sent", data={"referral": 7})
    assert delivery.deliver(row.pk) == "delivered"
    ((headers, body),) = handler.received
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "referral.sent" and payload["data"] == {"referral": 7}
    assert headers["webhook-id"] == f"msg_{row.idempotency_key.hex}"
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(body.replace(b"7", b"8"), headers)


def test_events_not_subscribed_are_not_sent(endpoint):
    endpoint_row, _secret = endpoint
    assert notify_partner_systems(agency=endpoint_row.agency, event="case.changed", data={}) == []


def test_a_retry_sends_the_same_id_and_a_fresh_signature(endpoint, receiver, settings):
    (endpoint_row, secret), (_url, handler) = endpoint, receiver
    handler.answers = [503]
    (row,) = notify_partner_systems(agency=endpoint_row.agency, event="referral.sent", data={"referral": 1})
    assert delivery.deliver(row.pk) == "failed"
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_BACKOFF_SECONDS + 1)):
        assert delivery.deliver(row.pk) == "delivered"
        assert delivery.deliver(row.pk) == "skipped"  # a duplicated task delivers nothing twice
    ids = [headers["webhook-id"] for headers, _body in handler.received]
    assert len(ids) == 2 and len(set(ids)) == 1
    assert all(Webhook(secret).verify(body, headers) for headers, body in handler.received)


def test_a_failing_endpoint_ends_as_a_dead_letter(endpoint, receiver, settings):
    (endpoint_row, _secret), (_url, handler) = endpoint, receiver
    settings.OUTBOX_MAX_ATTEMPTS = 2
    handler.answers = [500, 500]
    (row,) = notify_partner_systems(agency=endpoint_row.agency, event="referral.sent", data={})
    delivery.deliver(row.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert delivery.deliver(row.pk) == "dead"
    row.refresh_from_db()
    assert row.status == Notification.Status.DEAD and "500" in row.last_error


def test_a_receiver_that_says_gone_is_not_asked_again(endpoint, receiver):
    (endpoint_row, _secret), (_url, handler) = endpoint, receiver
    handler.answers = [410]
    (row,) = notify_partner_systems(agency=endpoint_row.agency, event="referral.sent", data={})
    assert delivery.deliver(row.pk) == "dead"


def test_mail_to_an_address_without_an_account(db):
    row = notify_address(address="postfach@beratung.example", kind="t", subject="Neue Vermittlung", link="/x/")
    assert delivery.deliver(row.pk) == "delivered"
    (message,) = mail.outbox
    assert message.to == ["postfach@beratung.example"]
    assert str(row.idempotency_key) in message.extra_headers["Message-ID"]


def test_each_row_has_exactly_the_recipient_its_channel_delivers_to(endpoint, django_user_model):
    endpoint_row, _secret = endpoint
    user = django_user_model.objects.create_user("someone")
    now = timezone.now()
    for fields in (
        {"channel": "in_app", "recipient": user, "endpoint": endpoint_row},
        {"channel": "webhook", "recipient": user},
        {"channel": "email"},
        {"channel": "email", "recipient": user, "recipient_email": "a@b.example"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(kind="t", subject="t", next_attempt_at=now, **fields)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hook", "http://localhost/hook", "http://10.0.0.5/", "http://[::1]/", "ftp://x.example/"]
)
def test_outbound_addresses_inside_the_network_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError):
        check_url(url)


def test_production_takes_https_only(settings):
    settings.NOTLAGEN_MODE = "production"
    with pytest.raises(ValidationError):
        check_url("http://partner.example/hook")


def test_delivery_refuses_an_address_that_turned_private(endpoint, settings):
    endpoint_row, _secret = endpoint
    (row,) = notify_partner_systems(agency=endpoint_row.agency, event="referral.sent", data={})
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert delivery.deliver(row.pk) == "dead"
    assert json.loads(json.dumps(row.payload))["type"] == "referral.sent"
