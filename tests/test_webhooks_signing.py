"""Signed webhooks as a partner system sees them: a real receiver on 127.0.0.1 verifies every
message (Standard Webhooks: signature and the five-minute replay window) and drops a repeat by
its webhook-id; a secret rotation signs with both secrets during the overlap, then the new only."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from access.errors import NotFound
from agencies.roles import Role
from notifications import delivery
from notifications.models import Notification, WebhookEndpoint
from notifications.services import notify_partner_systems, webhook_endpoint_create
from notifications.tasks import sweep_outbox
from notifications.webhook_admin import webhook_secret_rotate

from .factories import member
from .webhook_receiver import running_receiver

pytestmark = pytest.mark.django_db

EVENT = "referral.accepted"


@pytest.fixture
def receiver():
    with running_receiver() as partner:
        yield partner


@pytest.fixture
def endpoint(agency, receiver):
    endpoint, secret = webhook_endpoint_create(agency=agency, url=receiver.url, events=[EVENT])
    receiver.secret = secret
    return endpoint


def _send(endpoint, referral_id=7) -> Notification:
    (row,) = notify_partner_systems(agency=endpoint.agency, event=EVENT, data={"referral_id": referral_id})
    return row


def test_the_receiver_verifies_the_message_and_it_carries_ids_only(endpoint, receiver):
    row = _send(endpoint)
    assert delivery.deliver(row.pk) == "delivered"
    ((headers, _body),) = receiver.requests
    (payload,) = receiver.accepted
    assert payload["type"] == EVENT and payload["data"] == {"referral_id": 7}
    assert set(payload) == {"type", "data", "timestamp"}
    assert headers["webhook-id"] == f"msg_{row.idempotency_key.hex}"
    assert headers["webhook-signature"].startswith("v1,") and " " not in headers["webhook-signature"]


def test_a_tampered_body_does_not_verify(endpoint, receiver):
    delivery.deliver(_send(endpoint).pk)
    ((headers, body),) = receiver.requests
    assert receiver.post(headers, body.replace(b"7", b"8")) == 401
    assert receiver.rejected == ["No matching signature found"]


def test_a_repeat_after_a_lost_delivered_mark_is_dropped_by_its_id(endpoint, receiver):
    row = _send(endpoint)
    delivery.deliver(row.pk)
    # The worker died after the partner accepted and before the row was marked: the lease runs
    # out and the sweep sends it again, with the same webhook-id.
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert sweep_outbox() == {"delivered": 1}
    assert len(receiver.requests) == 2 and receiver.duplicates == 1
    assert len(receiver.accepted) == 1
    first, second = (headers["webhook-id"] for headers, _body in receiver.requests)
    assert first == second


def test_a_delayed_redelivery_is_signed_afresh_and_verifies(endpoint, receiver, settings):
    settings.OUTBOX_BACKOFF_SECONDS = 600  # the retry comes after the replay window
    receiver.answers = [503]
    row = _send(endpoint)
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        assert delivery.deliver(row.pk) == "failed"
    with time_machine.travel(start + timedelta(minutes=11), tick=True):
        assert sweep_outbox() == {"delivered": 1}
    (first, _), (second, _) = receiver.requests
    assert int(second["webhook-timestamp"]) - int(first["webhook-timestamp"]) >= 600
    assert first["webhook-id"] == second["webhook-id"]
    assert len(receiver.accepted) == 1 and receiver.rejected == []


def test_a_captured_request_replayed_after_the_window_is_rejected(endpoint, receiver):
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        delivery.deliver(_send(endpoint).pk)
        ((headers, body),) = receiver.requests
        # Within the window a replay verifies, and is dropped as a repeat.
        assert receiver.post(headers, body) == 200
    with time_machine.travel(start + timedelta(minutes=6), tick=True):
        assert receiver.post(headers, body) == 401
    assert receiver.rejected == ["Message timestamp too old"]
    assert len(receiver.accepted) == 1 and receiver.duplicates == 1


@pytest.fixture
def rotated(endpoint, administrator, settings):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 24
    old_secret = endpoint.secret
    new_secret = webhook_secret_rotate(actor=administrator, endpoint=endpoint)
    return old_secret, new_secret


def test_rotation_keeps_the_old_secret_until_the_overlap_ends(endpoint, rotated):
    old_secret, new_secret = rotated
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert new_secret != old_secret and new_secret.startswith("whsec_")
    assert stored.secret == new_secret and stored.previous_secret == old_secret
    expected = timezone.now() + timedelta(hours=24)
    assert abs((stored.previous_secret_until - expected).total_seconds()) < 5


def test_during_the_overlap_a_receiver_with_either_secret_verifies(endpoint, receiver, rotated):
    old_secret, new_secret = rotated
    receiver.secret = old_secret  # the partner has not switched yet
    delivery.deliver(_send(endpoint, 1).pk)
    ((headers, body),) = receiver.requests
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert len(receiver.accepted) == 1
    # A second partner system that already holds only the new secret verifies the same message.
    with running_receiver(new_secret) as switched:
        assert switched.post(headers, body) == 204
        assert switched.accepted == receiver.accepted
    # And once this partner switches too, the next message verifies with the new secret alone.
    receiver.secret = new_secret
    delivery.deliver(_send(endpoint, 2).pk)
    assert [p["data"]["referral_id"] for p in receiver.accepted] == [1, 2]


def test_after_the_overlap_only_the_new_secret_signs(endpoint, receiver, rotated):
    old_secret, new_secret = rotated
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1), tick=True):
        receiver.secret = new_secret
        delivery.deliver(_send(endpoint, 1).pk)
        ((headers, body),) = receiver.requests
        assert " " not in headers["webhook-signature"]
        Webhook(new_secret).verify(body, headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old_secret).verify(body, headers)
        # A partner still on the old secret refuses the message (401): a dead letter at once.
        receiver.secret = old_secret
        late = _send(endpoint, 2)
        assert delivery.deliver(late.pk) == "dead"
    assert len(receiver.accepted) == 1


def test_the_overlap_is_read_from_the_setting(endpoint, administrator, settings):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 2
    webhook_secret_rotate(actor=administrator, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert abs((endpoint.previous_secret_until - timezone.now() - timedelta(hours=2)).total_seconds()) < 5


def test_no_overlap_when_the_setting_is_zero(endpoint, receiver, administrator, settings):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 0
    receiver.secret = webhook_secret_rotate(actor=administrator, endpoint=endpoint)
    delivery.deliver(_send(endpoint).pk)
    ((headers, _body),) = receiver.requests
    assert " " not in headers["webhook-signature"] and len(receiver.accepted) == 1


def test_only_an_administrator_of_the_endpoints_agency_rotates(endpoint, social_worker):
    other_admin = member(Role.ADMINISTRATOR, is_staff=True)
    secret = endpoint.secret
    for actor in (other_admin, social_worker):
        with pytest.raises(NotFound):
            webhook_secret_rotate(actor=actor, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.secret == secret and endpoint.previous_secret == ""
