"""A partner system's account stays what it was registered as: a member of its own agency, with
no privileged role — even when an administrator of another agency, or of its own, asks for more
through the ordinary roles page (agencies.services.membership_request)."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Membership
from agencies.roles import Role
from agencies.services import membership_request

from .api_world import build_api_world
from .factories import member


@pytest.fixture
def world(db):
    with mock.patch("notifications.services.enqueue_delivery"):
        yield build_api_world()


@pytest.mark.parametrize(
    ("agency", "role"),
    [
        ("other", Role.PARTNER_STAFF),
        ("city", Role.SOCIAL_WORKER),
        ("centre", Role.ADMINISTRATOR),
        ("centre", Role.AUDITOR),
    ],
)
def test_no_role_in_another_agency_and_no_privileged_role(world, agency, role):
    account = world.clients["centre"].account
    target = world.base.agencies[agency]
    asking = member(Role.ADMINISTRATOR, target, username=f"admin-{agency}-{role}")
    with pytest.raises(ValidationError) as refused:
        membership_request(actor=asking, user=account, agency=target, role=role)
    assert "role" in refused.value.message_dict
    assert not Membership.objects.filter(user=account, agency=target, role=role).exists()


def test_another_role_of_its_own_agency_is_asked_for_as_usual(world):
    account = world.clients["centre"].account
    centre = world.base.agencies["centre"]
    asking = member(Role.ADMINISTRATOR, centre, username="admin-centre")
    with mock.patch("notifications.services.enqueue_delivery"):
        pending = membership_request(actor=asking, user=account, agency=centre, role=Role.SERVICE_ACCOUNT)
    assert pending.status == Membership.Status.PENDING
