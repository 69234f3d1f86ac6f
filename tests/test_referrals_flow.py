"""The referral lifecycle end to end through the services: the grant an acceptance opens and
what ends it, the history on both sides, the notifications of every step, and the external
provider tracked by the referring worker."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.case_access import case_access
from access.errors import NotFound
from audit.models import AccessLogEntry
from cases.models import AccessGrant, CaseEvent
from notifications.models import Notification
from referrals import services
from referrals.models import Status

from .referrals_world import build_referral_world, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_referral_world()


def _sees_case(user, case) -> bool:
    try:
        case_access(user=user, case_id=case.pk, report=False, log_refusal=False)
    except NotFound:
        return False
    return True


def test_send_accept_contact_complete_opens_then_shortens_the_grant(world, settings):
    settings.REFERRAL_FOLLOW_UP_DAYS = 14
    counsellor = world.users["counsellor"]
    referral = refer(world)
    assert referral.status == Status.SENT and referral.receiving_agency == world.agencies["centre"]
    assert not _sees_case(counsellor, world.case)
    told = Notification.objects.filter(kind="referral.sent", recipient=counsellor)
    assert set(told.values_list("channel", flat=True)) == {"in_app", "email"}

    referral = services.referral_accept(actor=counsellor, referral=referral, version=referral.version)
    assert referral.status == Status.ACCEPTED
    grant = referral.grant
    assert grant.grantee_agency == world.agencies["centre"] and grant.scope == "collaborate"
    assert grant.consent == world.consent and grant.granted_by == world.users["worker"]
    assert _sees_case(counsellor, world.case)
    assert Notification.objects.filter(kind="referral.accepted", recipient=world.users["worker"]).exists()

    referral = services.referral_first_contact(actor=counsellor, referral=referral, on=timezone.localdate())
    referral = services.referral_complete(actor=counsellor, referral=referral, outcome="successful")
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert grant.valid_until <= timezone.now() + timedelta(days=14, minutes=1)
    assert [t.to_status for t in referral.transitions.all()] == [
        "draft",
        "sent",
        "accepted",
        "first_contact",
        "completed",
    ]
    kinds = (
        CaseEvent.objects.filter(case=world.case, kind="referral")
        .order_by("at", "pk")
        .values_list("data__status", flat=True)
    )
    assert list(kinds) == ["draft", "sent", "accepted", "first_contact", "completed"]
    logged = AccessLogEntry.objects.filter(object_type="referral", outcome="allowed")
    assert logged.count() >= 5


@pytest.mark.parametrize("ending", ["decline", "withdraw"])
def test_decline_or_withdraw_closes_the_case_again(world, ending):
    counsellor = world.users["counsellor"]
    referral = refer(world)
    if ending == "decline":
        referral = services.referral_decline(actor=counsellor, referral=referral, outcome="no_capacity")
        assert not _sees_case(counsellor, world.case)
        assert referral.grant is None
    else:
        referral = services.referral_accept(actor=counsellor, referral=referral)
        assert _sees_case(counsellor, world.case)
        referral = services.referral_withdraw(actor=world.users["worker"], referral=referral, note="Umgezogen")
        assert AccessGrant.objects.get(pk=referral.grant_id).revoked_at is not None
        assert not _sees_case(counsellor, world.case)
    assert referral.ended_at is not None


def test_statute_basis_waits_for_a_second_team_lead(world):
    counsellor = world.users["counsellor"]
    referral = refer(world, basis="statute")
    referral = services.referral_accept(actor=counsellor, referral=referral)
    assert referral.grant.approval == AccessGrant.Approval.PENDING
    assert not _sees_case(counsellor, world.case)
    from cases import grants

    grants.grant_approve(actor=world.users["lead"], grant=referral.grant)
    assert _sees_case(counsellor, world.case)


def test_a_stale_version_is_refused_and_nothing_changes(world):
    counsellor = world.users["counsellor"]
    referral = refer(world)
    seen = referral.version
    services.referral_decline(actor=counsellor, referral=referral, outcome="no_capacity", version=seen)
    with pytest.raises(ValidationError) as error:
        services.referral_accept(actor=counsellor, referral=referral, version=seen)
    assert "__all__" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_an_unrelated_agency_neither_answers_nor_sees(world):
    referral = refer(world)
    for user in (world.users["other"], world.users["clerk"], world.users["auditor"], world.users["admin"]):
        with pytest.raises(NotFound):
            services.referral_accept(actor=user, referral=referral)
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_the_referrer_cannot_answer_for_a_provider_in_notlagen(world):
    referral = refer(world)
    with pytest.raises(NotFound):
        services.referral_accept(actor=world.users["worker"], referral=referral)


def test_external_provider_is_tracked_by_the_referring_worker(world):
    worker = world.users["worker"]
    referral = refer(world, offer=world.external_offer)
    assert referral.receiving_agency is None
    referral = services.referral_accept(actor=worker, referral=referral)
    assert referral.grant is None
    referral = services.referral_first_contact(actor=worker, referral=referral, on=timezone.localdate())
    referral = services.referral_complete(actor=worker, referral=referral, outcome="person_declined")
    assert referral.status == Status.COMPLETED


def test_a_draft_is_saved_without_basis_and_sent_later(world):
    draft = refer(world, send=False, basis="none", respond_by=None)
    assert draft.status == Status.DRAFT and draft.sent_at is None
    assert not Notification.objects.filter(kind__startswith="referral.").exists()
    with pytest.raises(ValidationError) as error:
        services.referral_send(actor=world.users["worker"], referral=draft, version=draft.version)
    assert {"legal_basis", "respond_by"} <= error.value.message_dict.keys()


def test_answers_reach_the_team_leads_once_the_referring_worker_left(world):
    from agencies.models import Membership

    referral = refer(world)
    Membership.objects.filter(user=world.users["worker"]).delete()  # the worker left the agency
    services.referral_decline(actor=world.users["counsellor"], referral=referral, outcome="no_capacity")
    told = set(Notification.objects.filter(kind="referral.declined").values_list("recipient__username", flat=True))
    assert told == {"ref-lead", "ref-lead2"}


def test_a_step_without_the_version_seen_is_refused_at_the_top(client, world):
    from django.urls import reverse

    from .conftest import login

    referral = refer(world)
    login(client, world.users["counsellor"])
    response = client.post(reverse("referrals:act", args=[referral.pk, "annehmen"]), {})
    assert response.status_code == 400
    assert "veraltet" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SENT
