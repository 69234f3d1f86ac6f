"""What a participating agency sees of a conference, decided once in access/conferences.py:
before its grant is in force (a statute-based invitation awaiting the owner's four eyes) only
the date, the place and the case number; the minutes only with a scope that reads general
records (not the basic scope) and after confirming confidentiality."""

import pytest
import time_machine

from cases import grants
from conferences import services

from .conferences_world import build, convene
from .test_conferences_web import _side, client_for

pytestmark = pytest.mark.django_db


def test_a_statute_invitee_sees_no_purpose_agenda_or_guests_before_the_four_eyes():
    world = build()
    conference = convene(
        world,
        participants=[{"agency": world.other, "scope": "collaborate", "statute": world.statute}],
        title="Fallkonferenz Schutzplanung",
    )
    url = f"/fallkonferenzen/{conference.pk}/"
    pending = client_for(world.users["other"]).get(url).content.decode()
    assert world.case.reference in pending and "Stadtteilbüro Nordend" in pending
    for hidden in ("Schutzplanung", conference.purpose, "Stand der Wohnung", "Frau Weber", "MainArbeit"):
        assert hidden not in pending, hidden
    grant = conference.participants.get(agency=world.other).grant
    grants.grant_approve(actor=world.users["lead"], grant=grant)
    approved = client_for(world.users["other"]).get(url).content.decode()
    assert "Schutzplanung" in approved and conference.purpose in approved and "Frau Weber" in approved


def test_a_basic_scope_participant_takes_part_but_reads_no_minutes():
    world = build()
    conference = convene(world, participants=[{"agency": world.jobcenter, "scope": "basic", "consent": world.consent}])
    sw, jc = world.users["sw"], world.users["jc"]
    with time_machine.travel(conference.ends_at, tick=False):
        services.minutes_finalise(
            actor=sw, side=_side(sw, conference), text="Vertrauliches Protokoll 4711", version=conference.version
        )
        client = client_for(jc)
        client.post(f"/fallkonferenzen/{conference.pk}/bestaetigen/")
        page = client.get(f"/fallkonferenzen/{conference.pk}/").content.decode()
        assert conference.purpose in page and "Vertrauliches Protokoll 4711" not in page
        assert client.get(f"/fallkonferenzen/{conference.pk}/protokoll.pdf").status_code == 404
        assert (
            "Vertrauliches Protokoll 4711" in client_for(sw).get(f"/fallkonferenzen/{conference.pk}/").content.decode()
        )
