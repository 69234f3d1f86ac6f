"""The public iCalendar feed of consultation hours (RFC 5545, written with `icalendar`).

One VEVENT per hour: DTSTART and DTEND of its first date with TZID=Europe/Berlin (and the
VTIMEZONE that defines it), the hour's weekly RRULE with UNTIL at the end of its last day (in
UTC, as RFC 5545 asks when DTSTART has a time zone), and an EXDATE for every date that does
not take place: the exceptions entered, and the public holidays of the hour's state up to
HOLIDAY_YEARS ahead (a feed is read again long before then). The UID is the hour's own uid, so
a calendar that subscribed updates the entry instead of adding a second one.

Nothing personal: no staff, no bookings, no contacts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from referrals.vocabulary import Language

from . import schedule
from .vocabulary import Mode, Topic, labels

HOLIDAY_YEARS = 2
PRODUCT = "-//Notlagen//Sprechstunden//DE"


def address_of(location) -> str:
    return ", ".join(filter(None, [location.name, location.street, f"{location.postal_code} {location.city}".strip()]))


def mode_text(hour) -> str:
    if hour.mode == Mode.SLOTS:
        return _("Appointments of %(minutes)s minutes; please book one.") % {"minutes": hour.slot_minutes}
    return _("Walk in, no appointment needed.")


def _description(hour) -> str:
    lines = [
        _("Topics: %(topics)s") % {"topics": ", ".join(labels(Topic, hour.topics))},
        _("Languages: %(languages)s") % {"languages": ", ".join(labels(Language, hour.languages))},
        mode_text(hour),
        _("Held by: %(agency)s") % {"agency": hour.agency.name},
    ]
    if hour.public_note:
        lines.append(hour.public_note)
    return "\n".join(lines)


def _not_taking_place(hour, first: date, today: date) -> list[datetime]:
    last = today + timedelta(days=365 * HOLIDAY_YEARS)
    if hour.ends_on:
        last = min(last, hour.ends_on)
    exceptions = list(hour.exceptions.all())
    found = [o.starts for o in schedule.occurrences(hour, first, last, exceptions) if not o.takes_place]
    # Exceptions entered beyond the holiday horizon still count.
    known = {moment.date() for moment in found}
    for exception in exceptions:
        if exception.date > last and exception.date not in known:
            occurrence = schedule.occurrence_on(hour, exception.date, exceptions)
            if occurrence is not None:
                found.append(occurrence.starts)
    return sorted(found)


def event_of(hour, today: date) -> Event | None:
    first = schedule.first_occurrence(hour)
    if first is None:
        return None
    event = Event()
    event.add("uid", f"{hour.uid}@notlagen")
    event.add("dtstamp", hour.updated_at.astimezone(UTC))
    event.add("last-modified", hour.updated_at.astimezone(UTC))
    event.add("summary", hour.title)
    event.add("dtstart", first)
    event.add("dtend", datetime.combine(first.date(), hour.end_time, tzinfo=schedule.LOCAL))
    rule = vRecur.from_ical(hour.rrule)
    if hour.ends_on:
        until = datetime.combine(hour.ends_on, time(23, 59, 59), tzinfo=schedule.LOCAL)
        rule["UNTIL"] = [until.astimezone(UTC)]
    event.add("rrule", rule)
    skipped = _not_taking_place(hour, first.date(), today)
    if skipped:
        event.add("exdate", skipped)
    event.add("location", address_of(hour.location))
    event.add("description", _description(hour))
    event.add("categories", labels(Topic, hour.topics))
    return event


def calendar_of(hours, *, name: str, today: date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(schedule.LOCAL))
    starts = []
    for hour in hours:
        event = event_of(hour, today)
        if event is not None:
            calendar.add_component(event)
            starts.append(event.decoded("dtstart").date())
    if starts:
        calendar.add_missing_timezones(first_date=min(starts) - timedelta(days=1))
    return calendar.to_ical()
