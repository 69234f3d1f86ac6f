"""Moving a planned conference: the grants follow the new date (refused where a consent would
not reach it), the agencies get the new date with an updated .ics, a stale page is refused,
bad input is answered at the field with nothing changed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from conferences import services
from conferences.models import Conference
from notifications.models import Notification

from .conferences_world import build, convene, when
from .test_conferences_web import _side, client_for

pytestmark = pytest.mark.django_db


def _move(world, conference, *, days: int, version=None, **extra):
    starts_at, ends_at = when(days)
    fields = {"starts_at": starts_at, "ends_at": ends_at, "place": "Rathaus, Raum 2", "video_link": "", **extra}
    sw = world.users["sw"]
    return services.conference_reschedule(
        actor=sw, side=_side(sw, conference), version=conference.version if version is None else version, **fields
    )


def test_a_moved_conference_moves_the_grants_and_tells_the_agencies_with_a_new_ics(settings):
    world = build()
    conference = convene(world)
    grant = conference.participants.get().grant
    before = grant.valid_until
    moved = _move(world, conference, days=10)
    grant.refresh_from_db()
    assert grant.valid_until == before + timedelta(days=7)
    assert moved.place == "Rathaus, Raum 2" and moved.reminded_at is None
    mail = Notification.objects.get(kind="conferences.moved", channel="email", recipient=world.users["jc"])
    assert world.case.reference in mail.subject
    (event,) = Calendar.from_ical(mail.attachment).walk("VEVENT")
    assert event.decoded("dtstart") == moved.starts_at and str(event["location"]) == "Rathaus, Raum 2"
    assert int(event["sequence"]) == moved.version and str(event["status"]) == "CONFIRMED"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts_at": None}, "starts_at", "Bitte geben Sie an, wann die Konferenz beginnt"),
        ({"place": "", "video_link": ""}, "place", "Bitte geben Sie einen Ort oder einen Videolink an"),
    ],
)
def test_bad_input_is_answered_at_the_field_and_nothing_changes(change, field, message):
    world = build()
    conference = convene(world)
    with pytest.raises(ValidationError) as raised:
        _move(world, conference, days=10, **change)
    assert message in " ".join(raised.value.message_dict[field])
    assert Conference.objects.get(pk=conference.pk).starts_at == conference.starts_at
    assert not Notification.objects.filter(kind="conferences.moved").exists()


def test_a_move_past_the_consent_is_refused_at_the_date():
    world = build()
    conference = convene(world)
    with pytest.raises(ValidationError) as raised:
        _move(world, conference, days=230)
    assert "MainArbeit Offenbach" in " ".join(raised.value.message_dict["starts_at"])
    assert conference.participants.get().grant.valid_until < timezone.now() + timedelta(days=200)


def test_a_stale_page_and_a_past_date_are_refused_on_the_page():
    world = build()
    conference = convene(world)
    with pytest.raises(ValidationError):
        _move(world, conference, days=10, version=conference.version - 1)
    client = client_for(world.users["sw"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/fallkonferenzen/{conference.pk}/verschieben/",
        {"move-starts_at": past, "move-ends_at": past, "move-place": "Neuer Ort 7", "move-version": conference.version},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Die Konferenz kann nicht in der Vergangenheit beginnen" in body and "Neuer Ort 7" in body
    assert client_for(world.users["jc"]).post(f"/fallkonferenzen/{conference.pk}/verschieben/").status_code == 404


def test_a_move_past_an_approved_statute_grant_waits_for_the_four_eyes_again_and_an_ended_grant_stays_ended():
    from cases import grants

    world = build()
    conference = convene(
        world, participants=[{"agency": world.other, "scope": "collaborate", "statute": world.statute}]
    )
    grant = conference.participants.get().grant
    grants.grant_approve(actor=world.users["lead"], grant=grant)
    _move(world, conference, days=2)  # earlier: shorter, the approval stands
    grant.refresh_from_db()
    assert grant.approval == "approved"
    conference.refresh_from_db()
    _move(world, conference, days=20)  # later than approved: a team lead decides again
    grant.refresh_from_db()
    assert grant.approval == "pending" and not grant.is_in_force()
    assert Notification.objects.filter(kind="cases.grant_four_eyes", recipient=world.users["lead"]).exists()
    ended = grant.valid_until
    with time_machine.travel(ended + timedelta(days=1), tick=False):
        conference.refresh_from_db()
        _move(world, conference, days=5)
    grant.refresh_from_db()
    assert grant.valid_until == ended
