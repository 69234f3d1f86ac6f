"""During and after the meeting: attendance, the confidentiality statement, minutes (a draft
kept on every change, then final), decisions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.conferences import ConferenceSide
from notlagen.text import minutes_text

from ..models import Conference, ConfidentialityConfirmation, Decision, Guest, Participant
from .convene import _locked, _touch
from .log import report_change

MINUTES_MAX = 50_000
DECISION_MAX = 1000


@transaction.atomic
def attendance_record(
    *, actor, side: ConferenceSide, participant_id, attendance: str, sent_information: bool, representative=None
) -> Participant:
    """Who was there: present (with a representative), apologised (and whether the agency sent
    information beforehand), absent."""
    conference = _locked(side, actor)
    participant = conference.participants.filter(pk=participant_id, withdrawn_at=None).first()
    if participant is None:
        raise ValidationError({"__all__": _("This agency is not invited.")})
    if attendance not in Participant.Attendance.values:
        raise ValidationError({"attendance": _("Please choose whether the agency attended.")})
    if representative is not None and not (
        representative.is_active
        and representative.memberships.filter(agency_id=participant.agency_id, status="active").exists()
    ):
        raise ValidationError({"representative": _("The representative must be a member of that agency.")})
    participant.attendance, participant.sent_information = attendance, bool(sent_information)
    participant.representative = representative if attendance == Participant.Attendance.PRESENT else None
    participant.save(update_fields=["attendance", "sent_information", "representative"])
    _touch(conference)
    report_change(actor, side, "change", "conference_participant", participant.pk)
    return participant


@transaction.atomic
def confidentiality_confirm(*, actor, side: ConferenceSide) -> ConfidentialityConfirmation:
    """A participant's member confirms the confidentiality statement (once)."""
    if not side.attends:
        raise ValidationError({"__all__": _("Only participating agencies confirm the statement.")})
    existing = ConfidentialityConfirmation.objects.filter(conference=side.conference, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            confirmation = ConfidentialityConfirmation.objects.create(
                conference=side.conference, user=actor, agency_id=side.acting_agency_id, at=timezone.now()
            )
    except IntegrityError:  # confirmed at the same moment in another tab
        return ConfidentialityConfirmation.objects.get(conference=side.conference, user=actor)
    report_change(actor, side, "create", "conference_confirmation", confirmation.pk)
    return confirmation


def has_confirmed(user, conference) -> bool:
    return ConfidentialityConfirmation.objects.filter(conference=conference, user=user).exists()


@transaction.atomic
def minutes_autosave(*, actor, side: ConferenceSide, text: str, version) -> Conference:
    """Keep the draft of the minutes (on every change); the version guards against a second
    writer, whose draft is not overwritten unseen."""
    conference = _locked(side, actor, version if version is not None else -1)
    if conference.status == Conference.Status.CANCELLED:
        raise ValidationError({"__all__": _("The conference has been cancelled.")})
    conference.minutes_draft, conference.minutes_saved_at = minutes_text(text, limit=MINUTES_MAX), timezone.now()
    _touch(conference, "minutes_draft", "minutes_saved_at")
    return conference


@transaction.atomic
def minutes_finalise(*, actor, side: ConferenceSide, text: str, version) -> Conference:
    """The minutes as agreed: the conference has been held."""
    conference = _locked(side, actor, version if version is not None else -1)
    if conference.status == Conference.Status.CANCELLED:
        raise ValidationError({"__all__": _("The conference has been cancelled.")})
    if conference.starts_at > timezone.now():
        raise ValidationError({"minutes": _("Minutes can be finalised once the conference has begun.")})
    text = minutes_text(text, limit=MINUTES_MAX).strip()
    if not text:
        raise ValidationError({"minutes": _("Please write the minutes.")})
    conference.minutes, conference.minutes_draft = text, ""
    conference.minutes_saved_at, conference.status = timezone.now(), Conference.Status.HELD
    _touch(conference, "minutes", "minutes_draft", "minutes_saved_at", "status")
    report_change(actor, side, "change", "conference", conference.pk)
    return conference


@transaction.atomic
def decision_add(*, actor, side: ConferenceSide, text: str) -> Decision:
    conference = _locked(side, actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Please write the decision.")})
    if len(text) > DECISION_MAX:
        raise ValidationError({"text": _("Please keep a decision to at most %(n)d characters.") % {"n": DECISION_MAX}})
    decision = Decision.objects.create(conference=conference, text=text, position=conference.decisions.count() + 1)
    _touch(conference)
    report_change(actor, side, "create", "conference_decision", decision.pk)
    return decision


@transaction.atomic
def guests_present(*, actor, side: ConferenceSide, present_ids) -> int:
    """Which external guests were there (the others were not)."""
    conference = _locked(side, actor)
    present = {int(pk) for pk in present_ids}
    guests = list(Guest.objects.filter(conference=conference))
    for guest in guests:
        guest.present = guest.pk in present
    Guest.objects.bulk_update(guests, ["present"])
    _touch(conference)
    report_change(actor, side, "change", "conference", conference.pk)
    return sum(g.present for g in guests)
