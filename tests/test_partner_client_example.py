"""examples/partner_client.py against a live server: the README's first hour works as written —
sync with the cursor (a second run hands over only what changed), accept with If-Match and an
Idempotency-Key, and the webhook signature check agrees with what the outbox signs."""

import importlib.util
from pathlib import Path
from unittest import mock

import pytest

from notifications.models import WebhookEndpoint
from notifications.services import notify_partner_systems, webhook_endpoint_create
from notifications.webhooks import message_id, signed_request
from referrals.models import Referral, Status

from .api_world import build_api_world
from .referrals_world import refer

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "partner_client.py"
spec = importlib.util.spec_from_file_location("partner_client", EXAMPLE)
partner_client = importlib.util.module_from_spec(spec)
spec.loader.exec_module(partner_client)


@pytest.fixture
def world(transactional_db):
    with mock.patch("notifications.services.enqueue_delivery"):
        yield build_api_world()


def test_sync_then_accept(live_server, world, tmp_path, capsys):
    with mock.patch("notifications.services.enqueue_delivery"):
        referral = refer(world.base)
    Referral.objects.filter(pk=referral.pk).update(updated_at=referral.updated_at.replace(year=2025))
    key, state = world.keys["centre"], tmp_path / "cursor"
    assert partner_client.main(["--base", live_server.url, "--key", key, "sync", "--state", str(state)]) == 0
    assert world.base.case.reference in capsys.readouterr().out and state.read_text()
    assert partner_client.main(["--base", live_server.url, "--key", key, "sync", "--state", str(state)]) == 0
    assert "0 referral(s)" in capsys.readouterr().out
    with mock.patch("notifications.services.enqueue_delivery"):
        assert partner_client.main(["--base", live_server.url, "--key", key, "accept", str(referral.pk)]) == 0
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_the_signature_check_agrees_with_the_outbox(world):
    endpoint, secret = webhook_endpoint_create(agency=world.base.agencies["centre"], url="https://partner.example/h")
    with mock.patch("notifications.services.enqueue_delivery"):
        (row,) = notify_partner_systems(agency=endpoint.agency, event="referral.sent", data={"referral_id": 1})
    request = signed_request(row)
    headers = {name.lower(): value for name, value in request.header_items()}
    args = (secret, message_id(row), headers["webhook-timestamp"], request.data)
    assert partner_client.signature_valid(*args, headers["webhook-signature"])
    assert not partner_client.signature_valid(*args[:3], request.data + b" ", headers["webhook-signature"])
    assert WebhookEndpoint.objects.count() == 1
