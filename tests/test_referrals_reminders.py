"""Reminders and expiry of unanswered referrals, with time travel: the receiver is reminded
after N working days (weekends and holidays do not count), the referrer after as many again,
each once; past the deadline the referral expires and closes what it opened."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.models import Notification
from referrals import services
from referrals.models import Status
from referrals.workdays import add_working_days, is_working_day, working_days_between

from .referrals_world import build_referral_world, refer

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def at(day: date, hour: int = 10):
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def test_working_days_skip_weekends_and_holidays(settings):
    settings.REFERRAL_HOLIDAY_REGION = "NI"
    assert not is_working_day(date(2026, 12, 25))  # Christmas
    assert not is_working_day(date(2029, 10, 31))  # Reformation Day, a Wednesday, in Lower Saxony
    # Friday 18 Dec 2026 + 3 working days: Mon 21, Tue 22, Wed 23.
    assert add_working_days(date(2026, 12, 18), 3) == date(2026, 12, 23)
    # Over Christmas: Wed 23 + 2 → Thu 24 (a working day), then Mon 28 (25, 26 holidays, 27 Sunday).
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    assert working_days_between(date(2026, 12, 18), date(2026, 12, 23)) == 3
    settings.REFERRAL_HOLIDAY_REGION = "HE"  # Offenbach: not a holiday in Hesse
    assert is_working_day(date(2029, 10, 31))


def test_receiver_then_referrer_reminded_once_then_expiry(settings):
    settings.REFERRAL_REMIND_AFTER_WORKING_DAYS = 3
    sent_on = date(2027, 3, 5)  # a Friday
    with time_machine.travel(at(sent_on), tick=False):
        world = build_referral_world()
        referral = refer(world, respond_by=date(2027, 3, 19))
    counsellor, worker = world.users["counsellor"], world.users["worker"]

    def reminders(user):
        return Notification.objects.filter(kind="referral.reminder", recipient=user, channel="in_app").count()

    with time_machine.travel(at(date(2027, 3, 9)), tick=False):  # Tuesday: 2 working days
        assert services.remind_and_expire() == {"expired": 0, "receiver": 0, "referrer": 0}
    with time_machine.travel(at(date(2027, 3, 10)), tick=False):  # Wednesday: 3
        assert services.remind_and_expire()["receiver"] == 1
        assert services.remind_and_expire()["receiver"] == 0  # never twice
    assert reminders(counsellor) == 1 and reminders(worker) == 0
    with time_machine.travel(at(date(2027, 3, 15)), tick=False):  # Monday: 6
        assert services.remind_and_expire()["referrer"] == 1
    assert reminders(worker) == 1
    with time_machine.travel(at(date(2027, 3, 19)), tick=False):  # the deadline itself: still open
        assert services.remind_and_expire()["expired"] == 0
    with time_machine.travel(at(date(2027, 3, 20)), tick=False):
        assert services.remind_and_expire()["expired"] == 1
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED and referral.ended_at is not None
    assert Notification.objects.filter(kind="referral.expired", recipient=worker).exists()
    assert referral.transitions.last().actor is None
    # The receiver never saw the case, and after expiry it still answers "not found".
    from access.case_access import case_access
    from access.errors import NotFound

    with pytest.raises(NotFound):
        case_access(user=counsellor, case_id=world.case.pk, report=False, log_refusal=False)


def test_an_answered_referral_is_neither_reminded_nor_expired(settings):
    with time_machine.travel(at(date(2027, 3, 5)), tick=False):
        world = build_referral_world()
        referral = refer(world, respond_by=date(2027, 3, 12))
        services.referral_accept(actor=world.users["counsellor"], referral=referral)
    with time_machine.travel(at(date(2027, 4, 30)), tick=False):
        assert services.remind_and_expire() == {"expired": 0, "receiver": 0, "referrer": 0}
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_the_beat_task_runs_the_sweep():
    from referrals.tasks import remind_and_expire

    assert remind_and_expire() == {"expired": 0, "receiver": 0, "referrer": 0}
