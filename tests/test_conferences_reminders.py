"""Reminders with time travel: the participants CONFERENCE_REMIND_HOURS_BEFORE hours before the
conference (once), the chair once an agreed action is overdue (not when its task is done or the
conference was cancelled)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from access.conferences import conference_for
from conferences import services
from conferences.models import Conference
from conferences.services.reminders import remind
from notifications.models import Notification

from .conferences_world import build, convene

pytestmark = pytest.mark.django_db


def _side(user, conference):
    return conference_for(user, conference.pk, Conference.objects.select_related("case"))


def test_participants_are_reminded_once_before_the_conference(settings):
    settings.CONFERENCE_REMIND_HOURS_BEFORE = 24
    world = build()
    conference = convene(world, days=3)
    assert remind() == {"conferences": 0, "overdue_actions": 0}
    with time_machine.travel(conference.starts_at - timedelta(hours=23), tick=False):
        assert remind()["conferences"] == 1
        assert remind()["conferences"] == 0
    reminders = Notification.objects.filter(kind="conferences.reminder")
    assert {n.recipient.username for n in reminders} == {"jc", "sw"}
    assert {n.channel for n in reminders} == {"in_app", "email"}
    assert all(world.case.reference in n.subject and "Nowak" not in n.subject for n in reminders)


def test_withdrawn_agency_and_cancelled_conference_get_no_reminder():
    world = build()
    conference = convene(world, days=2)
    sw = world.users["sw"]
    services.conference_cancel(actor=sw, side=_side(sw, conference), reason="Erledigt", version=conference.version)
    with time_machine.travel(conference.starts_at - timedelta(hours=1), tick=False):
        assert remind()["conferences"] == 0


def test_overdue_action_reminds_its_owner_and_the_chair_once_unless_done():
    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    due = timezone.localdate() + timedelta(days=5)
    late = services.action_add(
        actor=sw, side=_side(sw, conference), agency=world.jobcenter, assignee=world.users["jc"], text="A", due_on=due
    )
    done = services.action_add(
        actor=sw, side=_side(sw, conference), agency=world.owner, assignee=sw, text="B", due_on=due
    )
    done.task.done_at = timezone.now()
    done.task.save()
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        assert remind()["overdue_actions"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=1), tick=False):
        assert remind()["overdue_actions"] == 1
        assert remind()["overdue_actions"] == 0
    told = Notification.objects.filter(kind="conferences.action_overdue")
    assert {(n.recipient, n.channel) for n in told} == {
        (user, channel) for user in (sw, world.users["jc"]) for channel in ("in_app", "email")
    }
    assert {n.link for n in told} == {f"/fallkonferenzen/{conference.pk}/"}
    late.refresh_from_db()
    assert late.overdue_reminded_at is not None


def test_invitation_mail_carries_the_date_as_icalendar_and_a_withdrawal_cancels_it(mailoutbox):
    from icalendar import Calendar

    from notifications.delivery import deliver

    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    invitation = Notification.objects.get(kind="conferences.invitation", channel="email", recipient=world.users["jc"])
    assert deliver(invitation.pk) == "delivered"
    (mail,) = mailoutbox
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == ("fallkonferenz.ics", "text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == conference.starts_at and str(event["status"]) == "CONFIRMED"
    assert "Nowak" not in content and conference.purpose not in content
    assert not Notification.objects.filter(kind="conferences.invitation", channel="in_app").exclude(attachment="")

    participant = conference.participants.get(agency=world.jobcenter)
    services.participant_withdraw(
        actor=sw, side=_side(sw, conference), participant_id=participant.pk, reason="Nicht mehr nötig"
    )
    withdrawn = Notification.objects.get(kind="conferences.withdrawn", channel="email", recipient=world.users["jc"])
    (event,) = Calendar.from_ical(withdrawn.attachment).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
