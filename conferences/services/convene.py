"""Convening a case conference, inviting and withdrawing agencies, cancelling: each invitation
opens the agency's grant through cases.grants; a withdrawal or cancellation revokes it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.case_access import access_for
from access.conferences import ConferenceSide, require_convene
from access.rules import Action
from agencies.selectors import members_with_perm_in
from cases import timeline
from cases.grants import (
    conference_grant_follow_date,
    conference_grant_open,
    conference_grant_revoke,
    conference_grant_until,
    consent_covers,
)
from cases.grants.access_grants import end_of_day
from cases.models import Case, Consent, Visibility
from cases.scopes import Scope
from notifications.models import Notification
from notifications.services import Attachment, notify
from notlagen.dates import format_when

from ..calendar import ICS_FILENAME, invitation_ics
from ..models import AgendaItem, Conference, Guest, Participant
from .log import report_change

ATTEND_PERM = "conferences.view_conference"
CANCELLING = ("conferences.withdrawn", "conferences.cancelled")
CONVENE_PERM = "conferences.add_conference"


def _prefix(index: int) -> str:
    return f"participants.{index}."


def _basis_reason(case, conference, row, now) -> str | None:
    consent, statute = row.get("consent"), row.get("statute")
    if (consent is None) == (statute is None):
        return _("please choose a consent of the person or a statute.")
    if statute is not None:
        return None if statute.is_active else _("This statute is no longer in use.")
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.person_id != case.person_id:
        return _("The consent belongs to another person.")
    until = conference_grant_until(conference, consent, now)
    reason = consent_covers(consent, agency=row["agency"], scope=row["scope"], until=until, now=now)
    if reason is None and end_of_day(consent.valid_until) < conference.ends_at:
        return _("The consent expires before the conference.")
    return reason


def participant_errors(case, conference, rows, *, taken=()) -> dict[str, str]:
    """Errors of the agencies to invite, at their fields (prefix participants.<n>.)."""
    errors: dict[str, str] = {}
    seen = set(taken)
    now = timezone.now()
    for index, row in enumerate(rows):
        prefix, agency = row.get("prefix", _prefix(index)), row.get("agency")
        if agency is None:
            errors[prefix + "agency"] = _("Please choose an agency.")
            continue
        if agency.pk == case.owner_agency_id:
            errors[prefix + "agency"] = _("Your own agency takes part anyway; invite other agencies.")
        elif agency.pk in seen:
            errors[prefix + "agency"] = _("This agency is invited twice.")
        elif not agency.receives_case_data or not agency.is_active:
            errors[prefix + "agency"] = _("This agency may not receive case data.")
        seen.add(agency.pk)
        if row.get("scope") not in Scope.values:
            errors[prefix + "scope"] = _("Please choose what is shared.")
        elif prefix + "agency" not in errors and (reason := _basis_reason(case, conference, row, now)):
            errors[prefix + "legal_basis"] = _("For %(agency)s there is no legal basis: %(reason)s") % {
                "agency": agency.name,
                "reason": reason,
            }
    return errors


def _when_and_where_errors(fields: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    if starts_at is None:
        errors["starts_at"] = _("Please enter when the conference starts.")
    elif starts_at <= timezone.now():
        errors["starts_at"] = _("The conference cannot start in the past.")
    if ends_at is None:
        errors["ends_at"] = _("Please enter when the conference ends.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if not (fields["place"] or "").strip() and not fields["video_link"]:
        errors["place"] = _("Please give a place or a video link.")
    return errors


def _conference_errors(*, case, fields: dict, participants, guests, agenda, previous) -> dict[str, str]:
    errors: dict[str, str] = {}
    if case.status == Case.Status.CLOSED:
        errors["__all__"] = _("The case is closed; no conference can be convened on it.")
    if not (fields["title"] or "").strip():
        errors["title"] = _("Please give the conference a title.")
    if not (fields["purpose"] or "").strip():
        errors["purpose"] = _("Please state the purpose of the conference.")
    errors.update(_when_and_where_errors(fields))
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    if not participants:
        errors["participants"] = _("Please invite at least one other agency.")
    if any(not (g.get("name") or "").strip() for g in guests):
        errors["guests"] = _("Please name every guest.")
    chair = fields.get("chair")
    if (
        chair is not None
        and not members_with_perm_in(agency_id=case.owner_agency_id, perm=CONVENE_PERM).filter(pk=chair.pk).exists()
    ):
        errors["chair"] = _("The chair must be a case worker of your agency.")
    if previous is not None and previous.case_id != case.pk:
        errors["previous"] = _("The previous conference must concern the same case.")
    if not errors.keys() & {"starts_at", "ends_at"}:
        draft = Conference(case=case, starts_at=starts_at, ends_at=ends_at)
        errors.update(participant_errors(case, draft, participants))
    return errors


def _invite(actor, conference: Conference, row) -> Participant:
    """A new participant, or an agency whose invitation was withdrawn invited again (its row
    keeps who withdrew it and why until now)."""
    fields = {
        "scope": row["scope"],
        "consent": row.get("consent"),
        "statute": row.get("statute"),
        "invited_at": timezone.now(),
        "withdrawn_at": None,
        "withdrawn_by": None,
        "withdraw_reason": "",
        "attendance": Participant.Attendance.UNKNOWN,
        "sent_information": False,
        "representative": None,
    }
    participant, _created = Participant.objects.update_or_create(
        conference=conference, agency=row["agency"], defaults=fields
    )
    try:
        participant.grant = conference_grant_open(actor=actor, participant=participant)
    except ValidationError as error:
        raise ValidationError({row.get("prefix", "") + "legal_basis": error.messages}) from error
    participant.save(update_fields=["grant"])
    _tell_agency(
        participant,
        gettext_lazy("Invitation to a case conference on case %(reference)s on %(date)s"),
    )
    return participant


def _tell_agency(participant: Participant, subject, kind: str = "conferences.invitation") -> None:
    """The members of the agency who attend conferences: the case number and the date, a link;
    the mail carries the date as iCalendar (cancelled for a withdrawn or cancelled invitation)."""
    conference = participant.conference
    link = reverse("conferences:detail", args=[conference.pk])
    notify(
        recipients=members_with_perm_in(agency_id=participant.agency_id, perm=ATTEND_PERM),
        kind=kind,
        subject=subject,
        params={"reference": conference.case.reference, "date": format_when(conference.starts_at, "datetime")},
        reference=conference.case.reference,
        link=link,
        channels=(Notification.Channel.IN_APP, Notification.Channel.EMAIL),
        attachment=Attachment(
            ICS_FILENAME,
            lambda: invitation_ics(
                conference, page_url=f"{settings.SITE_URL}{link}", cancelled=kind in CANCELLING
            ).decode(),
            "text/calendar",
        ),
    )


@transaction.atomic
def conference_convene(*, actor, case, participants, guests=(), agenda=(), previous=None, **fields) -> Conference:
    """Convene a conference on the case (CONFERENCE_CONVENE): fields are title, purpose,
    starts_at, ends_at, place, video_link and optionally chair (else the actor); participants
    [{agency, scope, consent|statute}]."""
    access = access_for(actor, case)
    right = access.require(Action.CONFERENCE_CONVENE)
    case = Case.objects.select_for_update().get(pk=access.case.pk)
    errors = _conference_errors(
        case=case, fields=fields, participants=participants, guests=guests, agenda=agenda, previous=previous
    )
    if errors:
        raise ValidationError(errors)
    conference = Conference.objects.create(
        case=case,
        convening_agency_id=right.agency_id,
        title=fields["title"].strip(),
        purpose=fields["purpose"].strip(),
        starts_at=fields["starts_at"],
        ends_at=fields["ends_at"],
        place=(fields["place"] or "").strip(),
        video_link=fields["video_link"] or "",
        chair=fields.get("chair") or actor,
        previous=previous,
        created_by=actor,
    )
    Guest.objects.bulk_create(
        Guest(conference=conference, name=g["name"].strip(), organisation=(g.get("organisation") or "").strip())
        for g in guests
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(conference=conference, position=n, title=t.strip()) for n, t in enumerate(agenda, 1) if t.strip()
    )
    for index, row in enumerate(participants):
        _invite(actor, conference, {"prefix": _prefix(index), **row})
    timeline.record(
        case=case,
        kind="conference",
        visibility=Visibility.OWNER,
        actor=actor,
        agency_id=case.owner_agency_id,
        ref_id=conference.pk,
        title=conference.title,
        starts_at=conference.starts_at.isoformat(),
    )
    access.report(action="create", object_type="conference", object_ids=[conference.pk])
    return conference


def _locked(side: ConferenceSide, actor, version=None) -> Conference:
    require_convene(side, actor)
    conference = Conference.objects.select_for_update().select_related("case").get(pk=side.conference.pk)
    if version is not None and version != conference.version:
        raise ValidationError({"__all__": _("This page is out of date. Please reload it and try again.")})
    return conference


@transaction.atomic
def participant_invite(*, actor, side: ConferenceSide, row: dict) -> Participant:
    """Invite one more agency to a planned conference."""
    conference = _locked(side, actor)
    if conference.status != Conference.Status.PLANNED or conference.ends_at <= timezone.now():
        raise ValidationError({"__all__": _("Only a planned conference that lies ahead can take new participants.")})
    row = {"prefix": "", **row}
    taken = conference.participants.filter(withdrawn_at=None).values_list("agency_id", flat=True)
    errors = participant_errors(conference.case, conference, [row], taken=taken)
    if errors:
        raise ValidationError(errors)
    participant = _invite(actor, conference, row)
    _touch(conference)
    report_change(actor, side, "create", "conference_participant", participant.pk)
    return participant


@transaction.atomic
def participant_withdraw(*, actor, side: ConferenceSide, participant_id, reason: str) -> Participant:
    """Withdraw an agency's invitation: its grant ends now and the agency is told."""
    conference = _locked(side, actor)
    participant = conference.participants.select_for_update().filter(pk=participant_id, withdrawn_at=None).first()
    if participant is None:
        raise ValidationError({"__all__": _("This invitation has been withdrawn already.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for withdrawing the invitation.")})
    participant.conference = conference
    conference_grant_revoke(actor=actor, participant=participant, reason=reason.strip())
    participant.withdrawn_at, participant.withdrawn_by = timezone.now(), actor
    participant.withdraw_reason = reason.strip()[:300]
    participant.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    _touch(conference)  # first: the cancelled .ics carries a higher SEQUENCE than the invitation
    _tell_agency(
        participant,
        gettext_lazy("Your invitation to the case conference on case %(reference)s was withdrawn"),
        "conferences.withdrawn",
    )
    report_change(actor, side, "change", "conference_participant", participant.pk)
    return participant


@transaction.atomic
def conference_cancel(*, actor, side: ConferenceSide, reason: str, version: int) -> Conference:
    """Cancel a planned conference: every participant's grant ends, every agency is told."""
    conference = _locked(side, actor, version)
    if conference.status != Conference.Status.PLANNED:
        raise ValidationError({"__all__": _("Only a planned conference can be cancelled.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for cancelling.")})
    conference.status = Conference.Status.CANCELLED
    _touch(conference, "status")  # first: the cancelled .ics carries a higher SEQUENCE
    for participant in conference.participants.filter(withdrawn_at=None).select_related("agency"):
        participant.conference = conference
        conference_grant_revoke(actor=actor, participant=participant, reason=reason.strip())
        _tell_agency(
            participant,
            gettext_lazy("The case conference on case %(reference)s on %(date)s was cancelled"),
            "conferences.cancelled",
        )
    report_change(actor, side, "change", "conference", conference.pk)
    return conference


@transaction.atomic
def conference_reschedule(*, actor, side: ConferenceSide, version: int, **fields) -> Conference:
    """Move a planned conference (fields: starts_at, ends_at, place, video_link). Every invited
    agency's grant follows the new date — refused at the date if a consent would not reach it —
    and the agencies get the new date with the updated .ics (same UID, higher SEQUENCE)."""
    conference = _locked(side, actor, version if version is not None else -1)  # no version: stale
    if conference.status != Conference.Status.PLANNED:
        raise ValidationError({"__all__": _("Only a planned conference can be moved.")})
    errors = _when_and_where_errors(fields)
    active = list(conference.participants.filter(withdrawn_at=None).select_related("agency", "consent", "statute"))
    if not errors:
        moved = Conference(case=conference.case, starts_at=fields["starts_at"], ends_at=fields["ends_at"])
        rows = [{"agency": p.agency, "scope": p.scope, "consent": p.consent, "statute": p.statute} for p in active]
        if basis_errors := participant_errors(conference.case, moved, rows):
            errors["starts_at"] = " ".join(str(message) for message in basis_errors.values())
    if errors:
        raise ValidationError(errors)
    conference.starts_at, conference.ends_at = fields["starts_at"], fields["ends_at"]
    conference.place, conference.video_link = (fields["place"] or "").strip(), fields["video_link"] or ""
    conference.reminded_at = None
    _touch(conference, "starts_at", "ends_at", "place", "video_link", "reminded_at")
    for participant in active:
        participant.conference = conference
        conference_grant_follow_date(actor=actor, participant=participant)
        _tell_agency(
            participant,
            gettext_lazy("The case conference on case %(reference)s was moved to %(date)s"),
            "conferences.moved",
        )
    report_change(actor, side, "change", "conference", conference.pk)
    return conference


def _touch(conference: Conference, *fields: str) -> None:
    conference.version += 1
    conference.save(update_fields=["version", *fields])
