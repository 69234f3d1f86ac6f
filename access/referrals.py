"""Which side of a referral a person is on, and what that side may do: the rule for a referral
lives here once (views, tasks and services ask it).

- The referring side: the case's owning agency, with REFERRAL_VIEW on the case to follow the
  referral, REFERRAL_CREATE to send, withdraw, print the slip and — for an external provider,
  whose staff have no accounts — record the provider's answer and the outcome.
- The receiving side: staff of the receiving agency with REFERRAL_ANSWER there. They see the
  referral itself (offer, purpose, urgency, message, deadline, case number) and the case only
  through the grant their acceptance opens."""

from __future__ import annotations

from dataclasses import dataclass

from . import events
from .decide import may, right_in
from .errors import NotFound, as_int
from .rules import Action


@dataclass(frozen=True)
class ReferralSide:
    referral: object
    referrer: bool  # follows it as the case's owner
    manages: bool  # sends, withdraws, prints the slip
    answers: bool  # accepts, declines, reports contact and outcome
    acting_agency_id: int | None

    @property
    def receiver(self) -> bool:
        return self.answers and not self.referrer


def side_of(user, referral) -> ReferralSide | None:
    """The user's side of the referral, or None when it is none of theirs."""
    view = may(user, Action.REFERRAL_VIEW, referral.case)
    if view is not None:
        manages = may(user, Action.REFERRAL_CREATE, referral.case) is not None
        return ReferralSide(referral, True, manages, manages and referral.is_external, view.agency_id)
    if referral.receiving_agency_id is not None and referral.sent_at is not None:
        answer = right_in(user, Action.REFERRAL_ANSWER, referral.receiving_agency_id)
        if answer is not None:
            return ReferralSide(referral, False, False, True, answer.agency_id)
    return None


def referral_for(user, referral_id, queryset) -> ReferralSide:
    """Load a referral from `queryset` for `user`; refused or missing look alike (logged, 404)."""
    pk = as_int(referral_id, object_type="referral")
    referral = queryset.filter(pk=pk).first()
    side = side_of(user, referral) if referral is not None else None
    if side is None:
        events.denied(actor=user, object_type="referral", object_id=pk, case_id=None)
        raise NotFound("referral", pk)
    return side
