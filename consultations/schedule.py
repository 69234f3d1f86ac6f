"""When a consultation hour takes place.

An hour's rule is an RFC 5545 RRULE of the weekly kind the staff form writes ("FREQ=WEEKLY;
BYDAY=TU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"); its first day is `starts_on`, its last
`ends_on` (the rule itself carries no UNTIL or COUNT). Dates come from dateutil's rrulestr with
DTSTART at the first day's start time in Europe/Berlin, so 10:00 stays 10:00 local time across
a daylight-saving change.

A date the rule names does not take place when
- an exception was entered for it (cancelled, or a holiday or closing day of the office), or
- it is a public holiday of the German state chosen for the hour (`holiday_region`, by the
  `holidays` package). Holidays are derived, never entered: nobody has to remember Easter
  Monday, and the iCalendar feed lists them as EXDATEs like the exceptions. An hour without a
  state skips no holiday by itself."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rrule, rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from referrals.models import Weekday

# Consultation hours are held in German local time whatever zone the server runs in.
LOCAL = ZoneInfo("Europe/Berlin")
WEEKDAYS = [day.value for day in Weekday]
MAX_INTERVAL = 4
# Dates before or after these are typing errors (and would overflow time-zone arithmetic).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

TAKES_PLACE, CANCELLED, HOLIDAY = "takes_place", "cancelled", "holiday"
_PART = re.compile(r"^(FREQ|INTERVAL|BYDAY)=([A-Z0-9,]+)$")


@dataclass(frozen=True)
class Occurrence:
    date: date
    starts: datetime
    ends: datetime
    status: str = TAKES_PLACE
    note: str = ""

    @property
    def takes_place(self) -> bool:
        return self.status == TAKES_PLACE


def build_rule(weekdays: Iterable[str], interval: int = 1) -> str:
    """The RRULE text for some weekdays, every `interval` weeks."""
    chosen = set(weekdays)
    parts = ["FREQ=WEEKLY"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    parts.append("BYDAY=" + ",".join(day for day in WEEKDAYS if day in chosen))
    return ";".join(parts)


def parse_rule(text: str) -> tuple[list[str], int] | None:
    """The weekdays and the interval of a rule the form writes; None for any other rule."""
    parts: dict[str, str] = {}
    for part in (text or "").strip().upper().split(";"):
        match = _PART.match(part)
        if match is None or match[1] in parts:
            return None
        parts[match[1]] = match[2]
    if parts.get("FREQ") != "WEEKLY":
        return None
    interval = parts.get("INTERVAL", "1")
    days = parts.get("BYDAY", "").split(",")
    if not interval.isdigit() or not 1 <= int(interval) <= MAX_INTERVAL or not days or set(days) - set(WEEKDAYS):
        return None
    return [day for day in WEEKDAYS if day in days], int(interval)


def check_rule(text: str) -> str:
    """The rule in its canonical form, or a ValidationError (German) naming what is wrong."""
    parsed = parse_rule(text)
    if parsed is None:
        raise ValidationError(
            _("Please choose at least one weekday and whether the hour is held every week or every two weeks."),
            code="rule",
        )
    return build_rule(*parsed)


def _start_of(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL)


def rule_of(hour) -> rrule:
    rule = rrulestr(hour.rrule, dtstart=_start_of(hour.starts_on, hour.start_time))
    if hour.ends_on:
        rule = rule.replace(until=_start_of(hour.ends_on, time(23, 59, 59)))
    return rule


@lru_cache(maxsize=64)
def _holidays_of(region: str, year: int) -> dict[date, str]:
    return dict(holidays.Germany(subdiv=region, years=year))


def public_holidays(region: str, first: date, last: date) -> dict[date, str]:
    """The public holidays of a German state between two dates (none without a state)."""
    if not region:
        return {}
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update({day: name for day, name in _holidays_of(region, year).items() if first <= day <= last})
    return found


def occurrences(hour, first: date, last: date, exceptions: Iterable | None = None) -> list[Occurrence]:
    """Every date the rule names from `first` to `last`, each with whether it takes place.
    `exceptions`: the hour's exceptions if already loaded (else they are read)."""
    first, last = max(first, EARLIEST), min(last, LATEST)
    if last < first:
        return []
    if exceptions is None:
        exceptions = hour.exceptions.all()
    by_date = {exception.date: exception for exception in exceptions}
    free = public_holidays(hour.holiday_region, first, last)
    length = datetime.combine(date.min, hour.end_time) - datetime.combine(date.min, hour.start_time)
    found = []
    for starts in rule_of(hour).between(_start_of(first, time.min), _start_of(last, time.max), inc=True):
        day = starts.date()
        exception = by_date.get(day)
        if exception is not None:
            status, note = (CANCELLED if exception.kind == "cancelled" else HOLIDAY), exception.note
        elif day in free:
            status, note = HOLIDAY, free[day]
        else:
            status, note = TAKES_PLACE, ""
        found.append(Occurrence(day, starts, starts + length, status, note))
    return found


def occurrence_on(hour, day: date, exceptions: Iterable | None = None) -> Occurrence | None:
    """The occurrence on `day`, if the rule names that day at all."""
    found = occurrences(hour, day, day, exceptions)
    return found[0] if found else None


def upcoming(hour, now: datetime, *, count: int = 3, days: int = 120, exceptions=None) -> list[Occurrence]:
    """The next `count` dates that take place (not yet over at `now`), and the dates that do not
    take place before the last of them (so a cancellation shows where it matters)."""
    today = now.astimezone(LOCAL).date()
    found: list[Occurrence] = []
    taking_place = 0
    for occurrence in occurrences(hour, today, today + timedelta(days=days), exceptions):
        if occurrence.ends <= now:
            continue
        found.append(occurrence)
        taking_place += occurrence.takes_place
        if taking_place >= count:
            break
    return found


def first_occurrence(hour) -> datetime | None:
    """The first start the rule names (the DTSTART of the hour's calendar entry)."""
    rule = rule_of(hour)
    return rule.after(_start_of(hour.starts_on, time.min), inc=True)


def slots(hour) -> list[tuple[time, time]]:
    """The appointment slots of one date of an hour with appointments, in order."""
    if not hour.slot_minutes:
        return []
    step = timedelta(minutes=hour.slot_minutes)
    current = datetime.combine(date.min, hour.start_time)
    end = datetime.combine(date.min, hour.end_time)
    found = []
    while current + step <= end:
        found.append((current.time(), (current + step).time()))
        current += step
    return found


def describe(hour) -> str:
    """The rule as people read it: "Jede Woche: Dienstag, 10:00–12:00 Uhr"."""
    parsed = parse_rule(hour.rrule)
    if parsed is None:
        return ""
    weekdays, interval = parsed
    labels = dict(Weekday.choices)
    values = {
        "days": ", ".join(str(labels[day]) for day in weekdays),
        "start": f"{hour.start_time:%H:%M}",
        "end": f"{hour.end_time:%H:%M}",
        "count": interval,
    }
    return (
        ngettext(
            "Every week: %(days)s, %(start)s–%(end)s", "Every %(count)s weeks: %(days)s, %(start)s–%(end)s", interval
        )
        % values
    )
