"""The steps of a referral after it was written. Each step is one transaction: the referral is
locked and its version checked (a concurrent answer is detected, never overwritten), the step
must be allowed from the current state and for the acting side (access.referrals), and it
writes the transition, the case timeline entry, the access-log entry and the notifications —
and, through cases.grants, opens or ends the receiving agency's grant."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.errors import NotFound
from access.referrals import ReferralSide, side_of
from cases import grants, timeline
from cases.models import Case, Visibility
from notlagen.errors import StaleVersionError

from ..models import DECLINE_REASONS, Outcome, Referral, Status, Transition
from . import notices

# Which step may follow which state.
ALLOWED = {
    Status.SENT: {Status.DRAFT},
    Status.ACCEPTED: {Status.SENT},
    Status.DECLINED: {Status.SENT},
    Status.FIRST_CONTACT: {Status.ACCEPTED},
    Status.COMPLETED: {Status.ACCEPTED, Status.FIRST_CONTACT},
    Status.WITHDRAWN: {Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.FIRST_CONTACT},
    Status.EXPIRED: {Status.SENT},
}


def moved(referral: Referral, *, actor, agency_id, to: str, by_receiver: bool, note: str = "", tell: bool = True):
    """Record a step already applied to `referral` (saved here) and tell the other side."""
    before = referral.status if referral.pk and to != Status.DRAFT else ""
    referral.status = to
    referral.save()
    Transition.objects.create(
        referral=referral,
        at=timezone.now(),
        actor=actor,
        agency_id=agency_id,
        from_status=before,
        to_status=to,
        note=note[:300],
    )
    # Referrals appear on the owning agency's timeline only: where a person is referred to
    # (a women's counselling centre, an addiction service) is itself sensitive.
    timeline.record(
        case=referral.case_id,
        kind="referral",
        visibility=Visibility.OWNER,
        actor=actor,
        agency_id=agency_id,
        ref_id=referral.pk,
        offer=referral.offer.name,
        status=to,
    )
    events.report(
        actor=actor,
        action="create" if to in (Status.DRAFT, Status.SENT) and not before else "change",
        object_type="referral",
        object_ids=[referral.pk],
        case_ids=[referral.case_id],
        person_ids=[referral.case.person_id],
        basis=referral.legal_basis_label if referral.status != Status.DRAFT else "",
        purpose=f"{to}: {note}"[:300] if note else to,
        agency_id=agency_id,
    )
    if tell and to != Status.DRAFT:
        notices.step_told(referral, by_receiver=by_receiver)
    return referral


def _refuse(actor, referral: Referral) -> None:
    events.denied(actor=actor, object_type="referral", object_id=referral.pk, action="change")
    raise NotFound("referral", referral.pk)


def _locked(actor, referral, version: int | None) -> tuple[Referral, ReferralSide]:
    # Lock the bare row first, then read it with its relations in a new statement: after waiting
    # for a concurrent step, PostgreSQL re-reads only the locked row of a joined query, so the
    # grant that step opened would be missing from a join made before the wait.
    Referral.objects.select_for_update().filter(pk=referral.pk).values_list("pk", flat=True).get()
    locked = Referral.objects.select_related(
        "case", "offer__provider", "receiving_agency", "referring_agency", "grant", "consent"
    ).get(pk=referral.pk)
    side = side_of(actor, locked)
    if side is None:
        _refuse(actor, locked)
    if version is not None and locked.version != version:
        raise StaleVersionError({"__all__": _("Someone else has changed this referral meanwhile. Please check it.")})
    return locked, side


def _step(actor, referral, version, to: str, *, needs: str) -> tuple[Referral, ReferralSide]:
    locked, side = _locked(actor, referral, version)
    if not getattr(side, needs):
        _refuse(actor, locked)
    if locked.status not in ALLOWED[to]:
        raise ValidationError(
            {
                "__all__": _("This step is not possible: the referral is %(status)s.")
                % {"status": locked.get_status_display()}
            }
        )
    locked.version += 1
    return locked, side


@transaction.atomic
def referral_send(*, actor, referral: Referral, version: int | None = None) -> Referral:
    """Send a draft as it was saved (compose.referral_save checks everything, as for a new one)."""
    from .compose import referral_save

    draft = Referral.objects.select_related("case", "offer__provider").get(pk=referral.pk)
    return referral_save(
        actor=actor,
        case=draft.case,
        offer=draft.offer,
        purpose=draft.purpose,
        scope=draft.scope,
        urgency=draft.urgency,
        message=draft.message,
        respond_by=draft.respond_by,
        consent=draft.consent,
        statute=draft.statute,
        send=True,
        draft=draft,
        version=version,
    )


@transaction.atomic
def referral_accept(*, actor, referral: Referral, version: int | None = None, note: str = "") -> Referral:
    locked, side = _step(actor, referral, version, Status.ACCEPTED, needs="answers")
    if locked.case.status == Case.Status.CLOSED:
        raise ValidationError({"__all__": _("The case has been closed meanwhile; the referral can only be declined.")})
    locked.answered_at, locked.answered_by = timezone.now(), actor
    if not locked.is_external:
        locked.grant = grants.referral_grant_open(actor=actor, referral=locked)
    return moved(locked, actor=actor, agency_id=side.acting_agency_id, to=Status.ACCEPTED, by_receiver=True, note=note)


def _reason(outcome: str, note: str, allowed) -> str:
    if outcome not in allowed:
        raise ValidationError({"outcome": _("Please choose a reason.")})
    if outcome == Outcome.OTHER and not (note or "").strip():
        raise ValidationError({"note": _("Please describe the reason.")})
    return (note or "").strip()


@transaction.atomic
def referral_decline(*, actor, referral: Referral, outcome: str, note: str = "", version: int | None = None):
    locked, side = _step(actor, referral, version, Status.DECLINED, needs="answers")
    locked.reason_note = _reason(outcome, note, DECLINE_REASONS)
    locked.outcome = outcome
    locked.answered_at, locked.answered_by = timezone.now(), actor
    locked.ended_at = timezone.now()
    grants.referral_grant_revoke(actor=actor, referral=locked, reason="referral declined")
    label = Outcome(outcome).label
    return moved(
        locked,
        actor=actor,
        agency_id=side.acting_agency_id,
        to=Status.DECLINED,
        by_receiver=True,
        note=f"{label}. {locked.reason_note}".strip(),
    )


@transaction.atomic
def referral_first_contact(*, actor, referral: Referral, on: date | None, version: int | None = None) -> Referral:
    if on is None:
        raise ValidationError({"on": _("Please enter the date of the first contact.")})
    locked, side = _step(actor, referral, version, Status.FIRST_CONTACT, needs="answers")
    if on > timezone.localdate() or (locked.sent_at and on < timezone.localtime(locked.sent_at).date()):
        raise ValidationError({"on": _("The first contact lies between sending the referral and today.")})
    locked.first_contact_on = on
    return moved(locked, actor=actor, agency_id=side.acting_agency_id, to=Status.FIRST_CONTACT, by_receiver=True)


@transaction.atomic
def referral_complete(*, actor, referral: Referral, outcome: str, note: str = "", version: int | None = None):
    locked, side = _step(actor, referral, version, Status.COMPLETED, needs="answers")
    locked.reason_note = _reason(outcome, note, Outcome.values)
    locked.outcome, locked.ended_at = outcome, timezone.now()
    grants.referral_grant_follow_up(actor=actor, referral=locked)
    label = Outcome(outcome).label
    return moved(
        locked,
        actor=actor,
        agency_id=side.acting_agency_id,
        to=Status.COMPLETED,
        by_receiver=True,
        note=f"{label}. {locked.reason_note}".strip(),
    )


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, note: str = "", version: int | None = None) -> Referral:
    locked, side = _step(actor, referral, version, Status.WITHDRAWN, needs="manages")
    if locked.status != Status.DRAFT and not (note or "").strip():
        raise ValidationError({"note": _("Please say why the referral is withdrawn.")})
    locked.reason_note, locked.ended_at = (note or "").strip()[:300], timezone.now()
    grants.referral_grant_revoke(actor=actor, referral=locked, reason="referral withdrawn")
    was_draft = locked.status == Status.DRAFT
    return moved(
        locked,
        actor=actor,
        agency_id=side.acting_agency_id,
        to=Status.WITHDRAWN,
        by_receiver=False,
        note=locked.reason_note,
        tell=not was_draft,
    )


def referral_expire(referral: Referral) -> Referral | None:
    """The sweep: a sent referral nobody answered by its deadline (called in a transaction)."""
    waiting = Referral.objects.select_for_update(skip_locked=True).filter(pk=referral.pk, status=Status.SENT)
    if waiting.values_list("pk", flat=True).first() is None:
        return None
    locked = Referral.objects.select_related("case", "offer", "grant").get(pk=referral.pk)
    locked.version += 1
    locked.ended_at = timezone.now()
    grants.referral_grant_revoke(actor=None, referral=locked, reason="referral expired")
    return moved(locked, actor=None, agency_id=None, to=Status.EXPIRED, by_receiver=True)
