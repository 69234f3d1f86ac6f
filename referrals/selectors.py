"""Reads of referrals. Lists are reporting querysets (access.reporting): the rows a page hands
out are logged as read, whatever pages through them. A referral names its case and person."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Q

from access import events
from access.case_access import CaseAccess
from access.decide import require_in
from access.referrals import ReferralSide, referral_for
from access.rules import Action

from .models import ENDED_STATES, OPEN_STATES, Offer, Referral, Status, Transition

PAGE_SIZE = 25

# The filters of the inbox and the outgoing list.
STATES = {
    "offen": Q(status__in=OPEN_STATES),
    "neu": Q(status=Status.SENT),
    "beendet": Q(status__in=ENDED_STATES),
    "alle": Q(),
}
# The referrer's open ones include its drafts.
OUTGOING_STATES = {**STATES, "offen": Q(status__in=(Status.DRAFT, *OPEN_STATES))}


def _referrals():
    return Referral.objects.select_related(
        "case", "offer__provider", "receiving_agency", "referring_agency", "created_by"
    ).annotate(person_id=F("case__person_id"))


def referrals_of_case(*, access: CaseAccess):
    access.require(Action.REFERRAL_VIEW)
    return (
        _referrals()
        .filter(case=access.case)
        .reported_to(access.user, object_type="referral", case=access, agency_id=access.acting_agency_id)
    )


def referral_get(*, user, referral_id) -> ReferralSide:
    """A referral seen from the user's side (logged as viewed); refused and missing look alike."""
    side = referral_for(user, referral_id, _referrals().select_related("consent", "statute", "grant"))
    referral = side.referral
    events.report(
        actor=user,
        action="view",
        object_type="referral",
        object_ids=[referral.pk],
        case_ids=[referral.case_id],
        person_ids=[referral.case.person_id],
        agency_id=side.acting_agency_id,
    )
    return side


def transitions_of(referral: Referral):
    return Transition.objects.filter(referral=referral).select_related("actor", "agency")


def _page(rows, number):
    paginator = Paginator(rows, PAGE_SIZE)
    # Count without the joins of the rows' relations (a count hands out no personal data).
    paginator.count = rows.unreported().values("pk").order_by().count()
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    return page


def incoming_referrals(*, user, agency_id: int, state: str = "alle"):
    """The receiving agency's referrals (only those sent: never a draft, sent or discarded),
    newest first; a logged list (the web inbox and the API read it)."""
    require_in(user, Action.REFERRAL_INBOX, agency_id)
    return (
        _referrals()
        .filter(STATES.get(state, STATES["offen"]), receiving_agency_id=agency_id, sent_at__isnull=False)
        .order_by("-sent_at", "-pk")
        .reported_to(user, object_type="referral", agency_id=agency_id)
    )


def outgoing_referrals(*, user, agency_id: int, state: str = "alle"):
    """The referring agency's referrals with their state: it never loses sight of them."""
    require_in(user, Action.REFERRAL_OUTGOING, agency_id)
    return (
        _referrals()
        .filter(OUTGOING_STATES.get(state, OUTGOING_STATES["offen"]), referring_agency_id=agency_id)
        .order_by("-created_at", "-pk")
        .reported_to(user, object_type="referral", agency_id=agency_id)
    )


def inbox_page(*, user, agency_id: int, state: str, page=1):
    return _page(incoming_referrals(user=user, agency_id=agency_id, state=state), page)


def outgoing_page(*, user, agency_id: int, state: str, page=1):
    return _page(outgoing_referrals(user=user, agency_id=agency_id, state=state), page)


def offer_for_referral(offer_id) -> Offer | None:
    try:
        pk = int(offer_id)
    except (TypeError, ValueError):
        return None
    return Offer.objects.select_related("provider__agency").filter(pk=pk).first()
