"""One meeting as iCalendar (RFC 5545) for an invitation — a case conference, a network meeting:
what, when (Europe/Berlin with its VTIMEZONE), where, and a link to its page; nothing of a case.
A stable UID per meeting and a SEQUENCE that rises with each change let calendars update or
drop the event they imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


@dataclass(frozen=True)
class Invitation:
    product: str  # the PRODID's product, e.g. "Fallkonferenzen"
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    sequence: int
    cancelled: bool
    place: str
    video_link: str
    page_url: str


def invitation_ics(invitation: Invitation) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", f"-//Notlagen//{invitation.product}//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{invitation.uid}@notlagen")
    event.add("summary", invitation.summary)
    event.add("dtstart", invitation.starts_at.astimezone(zone))
    event.add("dtend", invitation.ends_at.astimezone(zone))
    event.add("dtstamp", timezone.now())  # when this copy was made (RFC 5545 3.8.7.2)
    event.add("sequence", invitation.sequence)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    if invitation.place:
        event.add("location", invitation.place)
    event.add("url", invitation.page_url)
    description = [invitation.page_url]
    if invitation.video_link:
        description.insert(0, _("Video link: %(link)s") % {"link": invitation.video_link})
    event.add("description", "\n".join(description))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
