"""A conference's grants: opened at the invitation within the chosen scope, ending
CONFERENCE_GRANT_DAYS_AFTER days after the conference, revoked with a withdrawn invitation or
a cancelled conference; an agency without a legal basis cannot be invited."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from access.case_access import case_access
from access.conferences import conference_for
from access.errors import NotFound
from access.rules import Action
from cases.models import AccessGrant
from conferences import services
from conferences.models import AgendaItem, Conference, Guest, Participant
from notifications.models import Notification

from .conferences_world import build, convene, when

pytestmark = pytest.mark.django_db


def _side(user, conference):
    return conference_for(user, conference.pk, Conference.objects.select_related("case"))


def test_invitation_opens_a_grant_of_the_scope_until_days_after(settings):
    settings.CONFERENCE_GRANT_DAYS_AFTER = 14
    world = build()
    conference = convene(world)
    participant = conference.participants.get()
    grant = participant.grant
    assert grant.grantee_agency == world.jobcenter and grant.scope == "collaborate"
    assert grant.consent == world.consent and grant.granted_by == world.users["sw"]
    assert grant.valid_until == conference.ends_at + timedelta(days=14)
    jc = world.users["jc"]
    access = case_access(user=jc, case_id=world.case.pk)
    assert access.allows(Action.CASE_TEXT_READ) and not access.allows(Action.PAYMENT_VIEW)
    # Still there a day after the conference, gone once the 14 days are over.
    with time_machine.travel(conference.ends_at + timedelta(days=13), tick=False):
        case_access(user=jc, case_id=world.case.pk)
    with time_machine.travel(conference.ends_at + timedelta(days=14, minutes=1), tick=False):
        with pytest.raises(NotFound):
            case_access(user=jc, case_id=world.case.pk)


def test_invitation_tells_the_agency_without_case_content():
    world = build()
    conference = convene(world)
    rows = Notification.objects.filter(recipient=world.users["jc"], kind="conferences.invitation")
    assert {r.channel for r in rows} == {"in_app", "email"}
    subject = rows.first().subject
    assert world.case.reference in subject and "Nowak" not in subject and "Wohnung" not in subject
    assert rows.first().link == f"/fallkonferenzen/{conference.pk}/"
    assert not Notification.objects.filter(recipient=world.users["unrelated"]).exists()


def test_withdrawn_invitation_revokes_the_grant_and_hides_conference_and_case():
    world = build()
    conference = convene(world)
    jc = world.users["jc"]
    _side(jc, conference)
    services.participant_withdraw(
        actor=world.users["sw"],
        side=_side(world.users["sw"], conference),
        participant_id=conference.participants.get().pk,
        reason="Nicht mehr zuständig",
    )
    grant = AccessGrant.objects.get(grantee_agency=world.jobcenter)
    assert grant.revoked_at is not None
    with pytest.raises(NotFound):
        case_access(user=jc, case_id=world.case.pk)
    with pytest.raises(NotFound):
        _side(jc, conference)
    assert Notification.objects.filter(recipient=jc, kind="conferences.withdrawn").count() == 2


def test_cancelled_conference_revokes_every_grant():
    world = build()
    conference = convene(world)
    services.conference_cancel(
        actor=world.users["sw"],
        side=_side(world.users["sw"], conference),
        reason="Erledigt",
        version=conference.version,
    )
    assert AccessGrant.objects.get(grantee_agency=world.jobcenter).revoked_at is not None
    with pytest.raises(NotFound):
        case_access(user=world.users["jc"], case_id=world.case.pk)


def test_statute_waits_for_four_eyes():
    world = build()
    conference = convene(world, participants=[{"agency": world.other, "scope": "basic", "statute": world.statute}])
    grant = conference.participants.get().grant
    assert grant.approval == AccessGrant.Approval.PENDING
    assert Notification.objects.filter(recipient=world.users["lead"], kind="cases.grant_four_eyes").exists()


def _nothing_saved():
    assert not Conference.objects.exists() and not Participant.objects.exists()
    assert not Guest.objects.exists() and not AgendaItem.objects.exists()
    assert not AccessGrant.objects.exists()


def test_agency_without_legal_basis_cannot_be_invited():
    world = build()
    with pytest.raises(ValidationError) as error:
        convene(
            world,
            participants=[
                {"agency": world.jobcenter, "scope": "collaborate", "consent": world.consent},
                {"agency": world.other, "scope": "basic", "consent": world.consent},
            ],
        )
    message = error.value.message_dict["participants.1.legal_basis"][0]
    with translation.override("de"):
        expected = _("For %(agency)s there is no legal basis: %(reason)s") % {
            "agency": "Beratungsstelle Nord",
            "reason": _("The consent does not cover this agency."),
        }
    assert message == expected and "Einwilligung" in message
    _nothing_saved()


def test_consent_not_covering_the_scope():
    world = build()
    with pytest.raises(ValidationError) as error:
        convene(world, participants=[{"agency": world.jobcenter, "scope": "sensitive", "consent": world.consent}])
    with translation.override("de"):
        reason = _("The consent does not cover this scope.")
    assert error.value.message_dict["participants.0.legal_basis"][0].endswith(reason)
    _nothing_saved()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days": -1}, "starts_at"),
        ({"ends_before_start": True}, "ends_at"),
        ({"duplicate": True}, "participants.1.agency"),
        ({"own_agency": True}, "participants.0.agency"),
        ({"no_basis": True}, "participants.0.legal_basis"),
        ({"no_place": True}, "place"),
        ({"closed_agency": True}, "participants.0.agency"),
    ],
)
def test_bad_input_lands_at_the_field_and_nothing_is_saved(change, field):
    world = build()
    row = {"agency": world.jobcenter, "scope": "collaborate", "consent": world.consent}
    participants, extra = [row], {}
    if change.get("duplicate"):
        participants = [row, dict(row)]
    if change.get("own_agency"):
        participants = [{"agency": world.owner, "scope": "basic", "statute": world.statute}]
    if change.get("no_basis"):
        participants = [{"agency": world.jobcenter, "scope": "basic"}]
    if change.get("ends_before_start"):
        start, _end = when(3)
        extra = {"starts_at": start, "ends_at": start - timedelta(minutes=30)}
    if change.get("no_place"):
        extra = {"place": ""}
    if change.get("closed_agency"):
        world.unrelated.receives_case_data = False
        world.unrelated.save()
        participants = [{"agency": world.unrelated, "scope": "basic", "statute": world.statute}]
    with pytest.raises(ValidationError) as error:
        convene(world, participants=participants, days=change.get("days", 3), **extra)
    assert field in error.value.message_dict
    assert all(m and m[0].isupper() for m in error.value.message_dict[field])
    _nothing_saved()


def test_only_the_owner_convenes():
    world = build()
    with pytest.raises(NotFound):
        services.conference_convene(
            actor=world.users["jc"],
            case=world.case,
            participants=[],
            title="x",
            purpose="y",
            starts_at=None,
            ends_at=None,
            place="x",
            video_link="",
        )
    with pytest.raises(NotFound):
        convene_as = world.users["clerk"]
        services.conference_convene(
            actor=convene_as,
            case=world.case,
            participants=[],
            title="x",
            purpose="y",
            starts_at=None,
            ends_at=None,
            place="x",
            video_link="",
        )
