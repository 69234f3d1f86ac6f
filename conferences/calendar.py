"""The invitation as iCalendar (notlagen.ical): the date, the place or video link, the case
number and a link to the conference page — no case content."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notlagen.ical import Invitation
from notlagen.ical import invitation_ics as ics_of

ICS_FILENAME = "fallkonferenz.ics"


def invitation_ics(conference, *, page_url: str, cancelled: bool = False) -> bytes:
    """`cancelled`: the event as cancelled for this recipient (e.g. a withdrawn invitation), so
    calendars that imported the invitation drop it."""
    return ics_of(
        Invitation(
            product="Fallkonferenzen",
            uid=f"conference-{conference.pk}",
            summary=_("Case conference on case %(reference)s") % {"reference": conference.case.reference},
            starts_at=conference.starts_at,
            ends_at=conference.ends_at,
            sequence=conference.version,
            cancelled=cancelled or conference.status == conference.Status.CANCELLED,
            place=conference.place,
            video_link=conference.video_link,
            page_url=page_url,
        )
    )
