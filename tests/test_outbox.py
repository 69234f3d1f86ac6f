"""The notification outbox: rows in the caller's transaction, delivery exactly once,
retries with backoff, dead letters."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import delivery
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import sweep_outbox

from .factories import UserFactory

pytestmark = pytest.mark.django_db

IN_APP, EMAIL = Notification.Channel.IN_APP, Notification.Channel.EMAIL


def _notify(user, channels=(IN_APP,)):
    return notify(
        recipients=[user],
        kind="test.kind",
        subject=_("Test notification"),
        reference="F-2026-00042",
        link="/benachrichtigungen/",
        channels=channels,
    )


def test_rows_are_part_of_the_callers_transaction(social_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(social_worker)
        raise RuntimeError("the business change failed")
    assert not Notification.objects.exists()


def test_delivery_is_scheduled_on_commit_only(social_worker, django_capture_on_commit_callbacks):
    with mock.patch("notifications.services.enqueue_delivery") as enqueue:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            rows = _notify(social_worker, channels=(IN_APP, EMAIL))
            enqueue.assert_not_called()
    assert len(callbacks) == 1
    enqueue.assert_called_once_with([r.pk for r in rows])


def test_texts_are_rendered_in_the_recipients_language(db):
    german, english = UserFactory(language="de"), UserFactory(language="en")
    notify(recipients=[german, english], kind="t", subject=_("Test notification"))
    subjects = dict(Notification.objects.values_list("recipient__language", "subject"))
    assert subjects == {"de": "Testbenachrichtigung", "en": "Test notification"}


def test_delivery_is_idempotent(social_worker):
    (row,) = _notify(social_worker, channels=(EMAIL,))
    assert delivery.deliver(row.pk) == "delivered"
    assert delivery.deliver(row.pk) == "skipped"
    assert sweep_outbox() == {}
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.DELIVERED and row.attempts == 1


def test_email_carries_reference_and_link_only(social_worker, settings):
    settings.SITE_URL = "https://notlagen.example"
    (row,) = _notify(social_worker, channels=(EMAIL,))
    delivery.deliver(row.pk)
    message = mail.outbox[0]
    assert message.to == [social_worker.email]
    assert message.subject == "Testbenachrichtigung"
    assert "F-2026-00042" in message.body
    assert "https://notlagen.example/benachrichtigungen/" in message.body
    assert "keine personenbezogenen Daten" in message.body


def test_failure_is_retried_with_backoff_then_dead_lettered(social_worker, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_BACKOFF_SECONDS = 10
    (row,) = _notify(social_worker, channels=(EMAIL,))
    start = timezone.now()
    with mock.patch("notifications.delivery.EmailMessage.send", side_effect=ConnectionRefusedError("smtp down")):
        with time_machine.travel(start, tick=False):
            assert delivery.deliver(row.pk) == "failed"
            row.refresh_from_db()
            assert row.next_attempt_at == start + timedelta(seconds=10)
            assert "smtp down" in row.last_error
            assert delivery.deliver(row.pk) == "skipped"  # not due yet
        with time_machine.travel(start + timedelta(seconds=11), tick=False):
            assert sweep_outbox() == {"failed": 1}
            row.refresh_from_db()
            assert row.next_attempt_at == start + timedelta(seconds=11 + 20)
        with time_machine.travel(start + timedelta(seconds=40), tick=False):
            assert sweep_outbox() == {"dead": 1}
    row.refresh_from_db()
    assert row.status == Notification.Status.DEAD and row.attempts == 3
    assert mail.outbox == []


def test_missing_email_address_is_dead_at_once(db):
    user = UserFactory(email="")
    (row,) = _notify(user, channels=(EMAIL,))
    assert delivery.deliver(row.pk) == "dead"


def test_backoff_is_capped(settings):
    settings.OUTBOX_BACKOFF_SECONDS = 30
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 300
    assert [delivery.backoff(n).seconds for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 300]


def test_inbox_shows_only_own_delivered_in_app_notifications(client, social_worker, clerk):
    from .conftest import login

    (mine,) = _notify(social_worker)
    (theirs,) = _notify(clerk)
    (pending,) = _notify(social_worker)
    delivery.deliver(mine.pk)
    delivery.deliver(theirs.pk)
    login(client, social_worker)
    html = client.get("/benachrichtigungen/").content.decode()
    assert f'id="notification-{mine.pk}"' in html
    assert f'id="notification-{theirs.pk}"' not in html
    assert f'id="notification-{pending.pk}"' not in html
    # The shell shows the unread count.
    assert '1<span class="kern-sr-only"> ungelesen</span>' in html
    # Someone else's notification looks like a missing one.
    assert client.post(f"/benachrichtigungen/{theirs.pk}/gelesen/").status_code == 404
    response = client.post(f"/benachrichtigungen/{mine.pk}/gelesen/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Gelesen" in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, social_worker):
    from .conftest import login

    for row in _notify(social_worker) + _notify(social_worker):
        delivery.deliver(row.pk)
    login(client, social_worker)
    client.post("/benachrichtigungen/alle-gelesen/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_dead_letters_visible_to_administrators_only(client, verified_client, administrator, social_worker):
    (row,) = _notify(social_worker)
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.DEAD, attempts=6, last_error="boom")

    from .conftest import login

    login(client, social_worker)
    assert client.get("/benachrichtigungen/zustellfehler/").status_code == 404
    assert client.post(f"/benachrichtigungen/zustellfehler/{row.pk}/erneut/").status_code == 404
    client.logout()

    admin_client = verified_client(administrator)
    html = admin_client.get("/benachrichtigungen/zustellfehler/").content.decode()
    assert "boom" in html
    with mock.patch("notifications.services.enqueue_delivery"):
        response = admin_client.post(f"/benachrichtigungen/zustellfehler/{row.pk}/erneut/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING and row.attempts == 0


def test_send_test_notification_from_inbox(client, social_worker, django_capture_on_commit_callbacks):
    from .conftest import login

    login(client, social_worker)
    with mock.patch("notifications.services.enqueue_delivery") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/benachrichtigungen/test/")
    assert response.status_code == 302
    assert set(Notification.objects.values_list("channel", flat=True)) == {IN_APP, EMAIL}
    enqueue.assert_called_once()
