"""A network meeting as iCalendar (notlagen.ical): the network's name, date, place or video
link and a link to the meeting page — no minutes, no actions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notlagen.ical import Invitation, invitation_ics

ICS_FILENAME = "netzwerktreffen.ics"


def meeting_ics(meeting, *, page_url: str) -> str:
    return invitation_ics(
        Invitation(
            product="Netzwerktreffen",
            uid=f"network-meeting-{meeting.pk}",
            summary=_("Network meeting: %(network)s") % {"network": meeting.network.name},
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            sequence=meeting.version,
            cancelled=meeting.status == meeting.Status.CANCELLED,
            place=meeting.place,
            video_link=meeting.video_link,
            page_url=page_url,
        )
    ).decode()
