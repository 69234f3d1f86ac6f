"""Delivering webhooks to a real receiver: retries with growing backoff into a dead letter, a
receiver that says "gone", re-sending a dead letter, no double delivery by duplicated or
concurrent tasks, and a broker outage that the sweep makes good exactly once."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from agencies.roles import Role
from notifications import delivery
from notifications.models import Notification
from notifications.services import notify_partner_systems, webhook_endpoint_create
from notifications.tasks import deliver_notification, sweep_outbox
from notifications.webhook_admin import webhook_delivery_resend

from .conftest import broker_at
from .factories import AgencyFactory, member
from .webhook_receiver import running_receiver

EVENT = "referral.declined"
DEAD, PENDING, DELIVERED = Notification.Status.DEAD, Notification.Status.PENDING, Notification.Status.DELIVERED
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def receiver():
    with running_receiver() as partner:
        yield partner


@pytest.fixture
def endpoint(receiver):
    endpoint, secret = webhook_endpoint_create(agency=AgencyFactory(), url=receiver.url, events=[EVENT])
    receiver.secret = secret
    return endpoint


def _send(endpoint) -> Notification:
    (row,) = notify_partner_systems(agency=endpoint.agency, event=EVENT, data={"referral_id": 3})
    return row


@pytest.mark.django_db
def test_a_failing_endpoint_ends_as_a_dead_letter_with_growing_backoff(endpoint, receiver, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_BACKOFF_SECONDS = 10
    receiver.answers = [500] * 10
    row = _send(endpoint)
    moment, waits = timezone.now(), []
    for expected in ("failed", "failed", "dead"):
        with time_machine.travel(moment, tick=False):
            assert sweep_outbox() == {expected: 1}
        row.refresh_from_db()
        if expected == "failed":
            waits.append(row.next_attempt_at - moment)
            moment = row.next_attempt_at + timedelta(seconds=1)
    assert waits == [timedelta(seconds=10), timedelta(seconds=20)]
    assert row.status == DEAD and row.attempts == 3 and "500" in row.last_error
    assert len(receiver.requests) == 3
    with time_machine.travel(moment + timedelta(hours=1)):
        assert sweep_outbox() == {}  # a dead letter is not tried again by itself
    assert len(receiver.requests) == 3


@pytest.mark.django_db
def test_a_receiver_that_answers_gone_is_dead_at_once(endpoint, receiver):
    receiver.answers = [410]
    row = _send(endpoint)
    assert delivery.deliver(row.pk) == "dead"
    row.refresh_from_db()
    assert row.attempts == 1 and "410" in row.last_error and len(receiver.requests) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed(endpoint, receiver, status):
    with running_receiver(receiver.secret) as inside:
        receiver.answers, receiver.location = [status], inside.url
        row = _send(endpoint)
        assert delivery.deliver(row.pk) == "failed"
        assert inside.requests == []
    row.refresh_from_db()
    assert str(status) in row.last_error and row.status == PENDING


@pytest.mark.django_db
def test_a_resent_dead_letter_reaches_the_healthy_receiver_once(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    receiver.answers = [500]
    row = _send(endpoint)
    assert delivery.deliver(row.pk) == "dead"
    admin = member(Role.ADMINISTRATOR, endpoint.agency, is_staff=True)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        webhook_delivery_resend(actor=admin, endpoint=endpoint, notification_id=row.pk)
    assert len(queued) == 1  # the delivery task, on commit
    row.refresh_from_db()
    assert row.status == PENDING and row.attempts == 0 and row.last_error == ""
    # The queued task and the sweep both run; the partner gets the message once.
    assert delivery.deliver(row.pk) == "delivered"
    assert sweep_outbox() == {}
    assert len(receiver.accepted) == 1 and len(receiver.requests) == 2


@pytest.mark.django_db
def test_delivering_the_same_row_twice_sends_it_once(endpoint, receiver):
    row = _send(endpoint)
    assert delivery.deliver(row.pk) == "delivered"
    assert delivery.deliver(row.pk) == "skipped"
    assert deliver_notification(row.pk) == "skipped"
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_row_send_it_once(endpoint, receiver):
    receiver.delay = 0.5  # the first worker holds the lease while the second one looks
    row = _send(endpoint)
    outcomes, start = [], threading.Barrier(2)

    def worker():
        try:
            start.wait()
            outcomes.append(delivery.deliver(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["delivered", "skipped"]
    assert len(receiver.requests) == 1 and len(receiver.accepted) == 1
    row.refresh_from_db()
    assert row.status == DELIVERED and row.attempts == 1


def _wait_for(predicate, seconds=15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_webhook_written_during_a_broker_outage_is_delivered_once_by_the_sweep(endpoint, receiver, celery_worker):
    with broker_at(UNREACHABLE_BROKER):
        started = time.monotonic()
        with transaction.atomic():
            row = _send(endpoint)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"the commit took {elapsed:.2f}s with the broker down"
    time.sleep(0.5)
    row.refresh_from_db()
    assert row.status == PENDING and row.attempts == 0
    assert receiver.requests == []

    # The broker is back: beat sends the sweep, the worker delivers what waited.
    sweep_outbox.delay()
    assert _wait_for(lambda: Notification.objects.filter(pk=row.pk, status=DELIVERED).exists())
    sweep_outbox.delay()  # a second sweep finds nothing left
    time.sleep(1.0)
    assert len(receiver.requests) == 1 and len(receiver.accepted) == 1
    row.refresh_from_db()
    assert row.attempts == 1
