"""Reminders of network meetings with time travel: the member responsible for an overdue action
is reminded once (in the app and by mail, the network's name and a link, nothing of the
action), not when it is done or its meeting was cancelled; the sweep is on the beat schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from networks import services
from networks.models import MeetingAction
from networks.services.reminders import remind
from networks.tasks import remind as remind_task
from notifications.models import Notification

from .test_networks_services import NetworkWorld, plan

pytestmark = pytest.mark.django_db


def _action(world, meeting, user="jc", agency=None, days=5, text="Merkblatt zu Nebenkosten"):
    meeting.refresh_from_db()
    return services.action_add(
        actor=world.users["sw"],
        side=world.side(),
        meeting_id=meeting.pk,
        agency=agency or world.jobcenter,
        assignee=world.users[user],
        text=text,
        due_on=timezone.localdate() + timedelta(days=days),
    )


def test_overdue_action_reminds_its_assignee_once():
    world = NetworkWorld()
    meeting = plan(world)
    late = _action(world, meeting)
    done = _action(world, meeting, user="fb", agency=world.counselling, text="Gruppenangebot")
    services.action_set_done(actor=world.users["fb"], side=world.side("fb"), action_id=done.pk, done=True)
    assert remind() == {"overdue_actions": 0}
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        assert remind()["overdue_actions"] == 0  # due today: not overdue yet
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=1), tick=False):
        assert remind_task()["overdue_actions"] == 1
        assert remind()["overdue_actions"] == 0
    told = Notification.objects.filter(kind="networks.action_overdue")
    assert {(n.recipient.username, n.channel) for n in told} == {("jc", "in_app"), ("jc", "email")}
    assert all(
        "Netzwerk Nordend" in n.subject
        and "Merkblatt" not in n.subject + n.body
        and n.link == meeting.get_absolute_url()
        for n in told
    )
    late.refresh_from_db()
    assert late.overdue_reminded_at is not None


def test_cancelled_meeting_reminds_nobody():
    world = NetworkWorld()
    meeting = plan(world)
    _action(world, meeting)
    meeting.refresh_from_db()
    services.meeting_cancel(actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, version=meeting.version)
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        assert remind()["overdue_actions"] == 0
    assert MeetingAction.objects.get().overdue_reminded_at is None


def test_sweep_is_scheduled():
    assert settings.CELERY_BEAT_SCHEDULE["networks-remind"]["task"] == "networks.tasks.remind"
