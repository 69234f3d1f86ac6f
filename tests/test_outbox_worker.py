"""Outbox delivery through a real Celery worker and a real Redis broker, including a broker
outage: the request does not hang, the row waits, the sweep delivers it exactly once."""

import time

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import deliver_notification, sweep_outbox

from .conftest import broker_at, login
from .factories import member

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _wait_for(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _delivered(*ids):
    return lambda: Notification.objects.filter(pk__in=ids, status=Notification.Status.DELIVERED).count() == len(ids)


def test_worker_delivers_in_app_and_email_after_commit(celery_worker):
    user = member("social_worker")
    rows = notify(
        recipients=[user],
        kind="test.kind",
        subject=_("Test notification"),
        channels=(Notification.Channel.IN_APP, Notification.Channel.EMAIL),
    )
    assert _wait_for(_delivered(*[r.pk for r in rows]))
    assert len(mail.outbox) == 1


def test_duplicated_tasks_deliver_once(celery_worker):
    user = member("social_worker")
    (row,) = notify(recipients=[user], kind="test.kind", subject="x", channels=(Notification.Channel.EMAIL,))
    for _attempt in range(5):  # a retried or duplicated task
        deliver_notification.delay(row.pk)
    assert _wait_for(_delivered(row.pk))
    time.sleep(1.0)  # let every duplicate run
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_broker_outage_keeps_request_fast_and_sweep_delivers_exactly_once(client, celery_worker):
    user = member("social_worker")
    login(client, user)
    with broker_at(UNREACHABLE_BROKER):
        started = time.monotonic()
        response = client.post("/benachrichtigungen/test/")
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2.0, f"request took {elapsed:.2f}s with the broker down"
    rows = list(Notification.objects.filter(recipient=user))
    assert len(rows) == 2
    assert {r.status for r in rows} == {Notification.Status.PENDING}
    time.sleep(0.5)
    assert not Notification.objects.filter(status=Notification.Status.DELIVERED).exists()

    # The broker is back: beat sends the sweep, the worker delivers what waited.
    sweep_outbox.delay()
    assert _wait_for(_delivered(*[r.pk for r in rows]))
    sweep_outbox.delay()  # a second sweep finds nothing left
    time.sleep(1.0)
    assert len(mail.outbox) == 1
    assert all(r.attempts == 1 for r in Notification.objects.filter(recipient=user))
