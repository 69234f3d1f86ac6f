"""Working days for deadlines and reminders: Monday to Friday without the public holidays of
the configured German state (REFERRAL_HOLIDAY_REGION)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=8)
def _holidays(region: str, year: int):
    return holidays.Germany(subdiv=region or None, years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(settings.REFERRAL_HOLIDAY_REGION, day.year)


def add_working_days(start: date, count: int) -> date:
    """The working day `count` working days after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end is not after start)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days
