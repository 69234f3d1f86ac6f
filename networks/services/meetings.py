"""Planning a network meeting (with an invitation to every participating agency's members,
iCalendar attached), cancelling it, and its minutes: a draft kept on every change, then final.
Minutes are checked for names of persons on record (networks.names): the draft only warns, the
final minutes need the author's explicit confirmation to keep a name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from access.networks import NetworkSide, require_manage
from notifications.models import Notification
from notifications.services import Attachment, notify
from notlagen.dates import format_when
from notlagen.text import minutes_text

from ..calendar import ICS_FILENAME, meeting_ics
from ..models import AgendaItem, Meeting, Network
from ..names import names_in
from ..selectors import network_members

MINUTES_MAX = 50_000
AGENDA_MAX = 30
CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


class NamesFound(ValidationError):
    """Final minutes that name persons on record, not confirmed: the words, for the form."""

    def __init__(self, names: list[str]):
        super().__init__({"minutes": [names_warning(names)]})
        self.names = names


def names_refused(text: str, *, author) -> str | None:
    """Agenda items and actions are read by every taking-part agency and carry no confirmation:
    a name of a person on record is refused there (the message quotes the author's words)."""
    names = names_in(text, author=author)
    if not names:
        return None
    return _(
        "This names a person who occurs in a record you can access: „%(names)s“. Network meetings "
        "discuss cases anonymously — please leave the name out."
    ) % {"names": "“, „".join(names)}


def names_warning(names: list[str]) -> str:
    return _(
        "The minutes mention a name that occurs in a record you can access: „%(names)s“. "
        "Case discussions in the network are anonymous — please anonymise."
    ) % {"names": "“, „".join(names)}


def _meeting_errors(*, network: Network, starts_at, ends_at, place, video_link, agenda) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not network.is_active:
        errors["__all__"] = _("The network is no longer active; no meeting can be planned.")
    if starts_at is None:
        errors["starts_at"] = _("Please enter when the meeting starts.")
    elif starts_at <= timezone.now():
        errors["starts_at"] = _("The meeting cannot start in the past.")
    if ends_at is None:
        errors["ends_at"] = _("Please enter when the meeting ends.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if not (place or "").strip() and not video_link:
        errors["place"] = _("Please give a place or a video link.")
    elif len((place or "").strip()) > 200:
        errors["place"] = _("Please keep the place to at most %(n)d characters.") % {"n": 200}
    if len(agenda) > AGENDA_MAX or any(len(item) > 200 for item in agenda):
        errors["agenda"] = _("Please keep to at most %(n)d agenda items of 200 characters each.") % {"n": AGENDA_MAX}
    return errors


def _tell(meeting: Meeting, subject, kind: str, *, besides=None) -> None:
    """The members of every taking-part agency who take part in networks: the network's name
    and the date, a link; the mail carries the meeting as iCalendar."""
    link = meeting.get_absolute_url()
    recipients = network_members(meeting.network)
    if besides is not None:
        recipients = recipients.exclude(pk=besides.pk)
    notify(
        recipients=recipients,
        kind=kind,
        subject=subject,
        params={"network": meeting.network.name, "date": format_when(meeting.starts_at, "datetime")},
        link=link,
        channels=CHANNELS,
        attachment=Attachment(
            ICS_FILENAME, lambda: meeting_ics(meeting, page_url=f"{settings.SITE_URL}{link}"), "text/calendar"
        ),
    )


@transaction.atomic
def meeting_plan(
    *, actor, side: NetworkSide, starts_at, ends_at, place="", video_link="", agenda=(), previous=None
) -> Meeting:
    """Plan the next meeting; it follows up `previous` (by default the network's latest meeting
    that was not cancelled), whose open actions it reviews."""
    require_manage(side, actor)
    network = Network.objects.select_for_update().get(pk=side.network.pk)
    agenda = [item.strip() for item in agenda if item and item.strip()]
    errors = _meeting_errors(
        network=network, starts_at=starts_at, ends_at=ends_at, place=place, video_link=video_link, agenda=agenda
    )
    if previous is not None and previous.network_id != network.pk:
        errors["previous"] = _("The previous meeting must belong to the same network.")
    if "agenda" not in errors and (refused := names_refused("\n".join(agenda), author=actor)):
        errors["agenda"] = refused
    if errors:
        raise ValidationError(errors)
    if previous is None:
        previous = (
            network.meetings.exclude(status=Meeting.Status.CANCELLED)
            .filter(starts_at__lt=starts_at)
            .order_by("-starts_at")
            .first()
        )
    meeting = Meeting.objects.create(
        network=network,
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        video_link=video_link or "",
        previous=previous,
        created_by=actor,
    )
    AgendaItem.objects.bulk_create(AgendaItem(meeting=meeting, position=n, title=t) for n, t in enumerate(agenda, 1))
    _tell(
        meeting,
        gettext_lazy("Invitation to the network meeting %(network)s on %(date)s"),
        "networks.invitation",
        besides=actor,
    )
    return meeting


ANY_VERSION = object()


def _locked(side: NetworkSide, actor, meeting_id, version=ANY_VERSION) -> Meeting:
    """The meeting locked for a change by the convener; `version` (the one the form showed)
    guards the minutes and the status against a second writer. Adding an action needs none."""
    require_manage(side, actor, "network_meeting", meeting_id)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("network")
        .filter(pk=meeting_id, network_id=side.network.pk)
        .first()
    )
    if meeting is None:
        raise ValidationError({"__all__": _("This meeting does not belong to the network.")})
    if version is not ANY_VERSION and (version is None or version != meeting.version):
        raise ValidationError({"__all__": _("This page is out of date. Please reload it and try again.")})
    return meeting


def _touch(meeting: Meeting, *fields: str) -> None:
    meeting.version += 1
    meeting.save(update_fields=["version", *fields])


@transaction.atomic
def meeting_cancel(*, actor, side: NetworkSide, meeting_id, version) -> Meeting:
    meeting = _locked(side, actor, meeting_id, version)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"__all__": _("Only a planned meeting can be cancelled.")})
    meeting.status = Meeting.Status.CANCELLED
    _touch(meeting, "status")
    _tell(meeting, gettext_lazy("The network meeting %(network)s on %(date)s was cancelled"), "networks.cancelled")
    return meeting


@transaction.atomic
def minutes_autosave(*, actor, side: NetworkSide, meeting_id, text: str, version) -> tuple[Meeting, list[str]]:
    """Keep the draft (on every change) and say which of its words name persons on record; the
    version guards against a second writer, whose draft is not overwritten unseen."""
    meeting = _locked(side, actor, meeting_id, version)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"__all__": _("The meeting has been cancelled.")})
    meeting.minutes_draft, meeting.minutes_saved_at = minutes_text(text, limit=MINUTES_MAX), timezone.now()
    _touch(meeting, "minutes_draft", "minutes_saved_at")
    return meeting, names_in(meeting.minutes_draft, author=actor)


@transaction.atomic
def minutes_finalise(*, actor, side: NetworkSide, meeting_id, text: str, version, keep_names: bool = False) -> Meeting:
    """The minutes as agreed: the meeting has been held. Names of persons on record stay only
    when the author confirms it (NamesFound otherwise, nothing saved)."""
    meeting = _locked(side, actor, meeting_id, version)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"__all__": _("The meeting has been cancelled.")})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"minutes": _("Minutes can be finalised once the meeting has begun.")})
    text = minutes_text(text, limit=MINUTES_MAX).strip()
    if not text:
        raise ValidationError({"minutes": _("Please write the minutes.")})
    names = names_in(text, author=actor)
    if names and not keep_names:
        raise NamesFound(names)
    meeting.minutes, meeting.minutes_draft = text, ""
    meeting.minutes_saved_at, meeting.status = timezone.now(), Meeting.Status.HELD
    _touch(meeting, "minutes", "minutes_draft", "minutes_saved_at", "status")
    if names:
        # The author confirmed that the names identify no client: accountable, so it is logged.
        events.report(
            actor=actor,
            action="change",
            object_type="network_minutes",
            object_ids=[meeting.pk],
            purpose="names kept after the anonymity warning",
            agency_id=side.acting_agency_id,
        )
    return meeting
