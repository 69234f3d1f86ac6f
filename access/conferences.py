"""Which side of a case conference a person is on: the rule for a conference lives here once
(views, services and the PDF ask it).

- The convening side: case workers of the agency that owns the case — CONFERENCE_CONVENE on the
  case (convene, invite, withdraw, chair, minutes, actions), or the case's CASE_VIEW through
  ownership (follow it, read the minutes).
- A participating agency: its members with CONFERENCE_ATTEND in that agency, as long as the
  agency's invitation is not withdrawn. They see the conference; the case itself only through
  the grant the invitation opened.

Everybody else: refused, logged, and answered like a conference that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from cases.scopes import NoteCategory

from . import events
from .decide import may, right_in
from .errors import NotFound, as_int
from .rules import Action


@dataclass(frozen=True)
class ConferenceSide:
    conference: object
    owner: bool  # the case's owning agency
    convenes: bool  # may convene, invite, withdraw, write minutes, record actions
    participant: object | None  # the Participant row of the user's agency (not for the owner)
    acting_agency_id: int

    @property
    def attends(self) -> bool:
        return self.participant is not None


def side_of(user, conference) -> ConferenceSide | None:
    """The user's side of the conference, or None when it is none of theirs."""
    case = conference.case
    convene = may(user, Action.CONFERENCE_CONVENE, case)
    if convene is not None:
        return ConferenceSide(conference, True, True, None, convene.agency_id)
    view = may(user, Action.CASE_VIEW, case)
    if view is not None and view.owned:
        return ConferenceSide(conference, True, False, None, view.agency_id)
    for participant in conference.participants.all():
        if participant.withdrawn_at is None and right_in(user, Action.CONFERENCE_ATTEND, participant.agency_id):
            return ConferenceSide(conference, False, False, participant, participant.agency_id)
    return None


def conference_for(user, conference_id, queryset) -> ConferenceSide:
    """Load a conference from `queryset` for `user`; refused or missing look alike (logged, 404)."""
    pk = as_int(conference_id, object_type="conference")
    conference = queryset.filter(pk=pk).first()
    side = side_of(user, conference) if conference is not None else None
    if side is None:
        events.denied(actor=user, object_type="conference", object_id=pk, case_id=None)
        raise NotFound("conference", pk)
    return side


def require_convene(side: ConferenceSide, user) -> None:
    """Only the owning agency's case workers change a conference; others get the same 404."""
    if not side.convenes:
        events.denied(actor=user, object_type="conference", object_id=side.conference.pk, action="change")
        raise NotFound("conference", side.conference.pk, "change")


def grant_in_force(side: ConferenceSide) -> bool:
    """The owner; a participating agency while the grant its invitation opened is in force (not
    while a statute-based invitation awaits the owning agency's four eyes, nor after it ended)."""
    if side.owner:
        return True
    grant = side.participant.grant
    return grant is not None and grant.is_in_force()


def details_visible(side: ConferenceSide) -> bool:
    """Title, purpose, agenda, guests and the other agencies describe the case: a participant
    sees them only within its grant; before, it sees what an invitation says — the date, the
    place, the case number and who convenes and chairs it."""
    return grant_in_force(side)


def visible_participants(side: ConferenceSide) -> list:
    """The invited agencies a reader sees: the owner all (withdrawn ones too); a participant the
    active ones within its grant, before that only its own invitation."""
    if side.owner:
        return list(side.conference.participants.all())
    if not details_visible(side):
        return [side.participant]
    return [p for p in side.conference.participants.all() if p.is_active]


def minutes_visible(side: ConferenceSide, user) -> bool:
    """Minutes, decisions, actions and the minutes PDF are a general record of the case: for
    whoever may read the case's general notes now (the owner's case workers and clerks; a
    participant within a grant of the collaborate scope or more — not the basic scope), and for
    a participant only once they confirmed confidentiality."""
    if not grant_in_force(side):
        return False
    if may(user, Action.NOTE_READ, side.conference.case, category=NoteCategory.GENERAL) is None:
        return False
    return side.owner or side.conference.confirmations.filter(user=user).exists()
