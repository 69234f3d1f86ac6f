"""The invitation as iCalendar (RFC 5545): the date, the place or video link, the case number
and a link to the conference page — no case content. Times in Europe/Berlin with its VTIMEZONE."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def invitation_ics(conference, *, page_url: str) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Notlagen//Fallkonferenzen//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"conference-{conference.pk}@notlagen")
    event.add("summary", _("Case conference on case %(reference)s") % {"reference": conference.case.reference})
    event.add("dtstart", conference.starts_at.astimezone(zone))
    event.add("dtend", conference.ends_at.astimezone(zone))
    event.add("dtstamp", conference.created_at)
    event.add("sequence", conference.version)
    event.add("status", "CANCELLED" if conference.status == conference.Status.CANCELLED else "CONFIRMED")
    if conference.place:
        event.add("location", conference.place)
    event.add("url", page_url)
    description = [page_url]
    if conference.video_link:
        description.insert(0, _("Video link: %(link)s") % {"link": conference.video_link})
    event.add("description", "\n".join(description))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
