"""Who hears of a referral's step, on which channels: the other side's people in the app and by
mail (a reference and a link, never case content), and the partner systems of both agencies
that subscribed to the event (signed webhooks with ids only)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.selectors import members_with_perm_in, team_leads_of
from notifications.models import Notification
from notifications.services import notify, notify_partner_systems

from ..models import Referral, Status

Channel = Notification.Channel

# Event types of the webhooks (notifications.webhooks lists them for subscriptions).
EVENTS = {
    Status.SENT: "referral.sent",
    Status.ACCEPTED: "referral.accepted",
    Status.DECLINED: "referral.declined",
    Status.FIRST_CONTACT: "referral.first_contact",
    Status.COMPLETED: "referral.completed",
    Status.WITHDRAWN: "referral.withdrawn",
    Status.EXPIRED: "referral.expired",
}
REMINDER_EVENT = "referral.reminder"

_SUBJECTS = {
    Status.SENT: _("New referral %(reference)s"),
    Status.ACCEPTED: _("Referral %(reference)s accepted"),
    Status.DECLINED: _("Referral %(reference)s declined"),
    Status.FIRST_CONTACT: _("Referral %(reference)s: first contact made"),
    Status.COMPLETED: _("Referral %(reference)s completed"),
    Status.WITHDRAWN: _("Referral %(reference)s withdrawn"),
    Status.EXPIRED: _("Referral %(reference)s expired without an answer"),
}


def receivers_of(referral: Referral):
    """The receiving agency's staff who answer referrals."""
    if referral.receiving_agency_id is None:
        return []
    return members_with_perm_in(agency_id=referral.receiving_agency_id, perm="referrals.answer_referral")


def referrers_of(referral: Referral):
    """The worker who referred — while still working on referrals in the referring agency;
    after they left, the agency's team leads, so no answer goes unheard."""
    agency_id = referral.referring_agency_id
    worker = members_with_perm_in(agency_id=agency_id, perm="referrals.add_referral").filter(pk=referral.created_by_id)
    if worker.exists():
        return [referral.created_by]
    return list(team_leads_of(agency=referral.referring_agency))


def _payload(referral: Referral, event: str) -> dict:
    return {
        "referral_id": referral.pk,
        "status": referral.status,
        "referring_agency_id": referral.referring_agency_id,
        "receiving_agency_id": referral.receiving_agency_id,
        "offer_id": str(referral.offer.uid),
    }


def _webhooks(referral: Referral, event: str) -> None:
    for agency in {referral.referring_agency, referral.receiving_agency} - {None}:
        notify_partner_systems(agency=agency, event=event, data=_payload(referral, event))


def step_told(referral: Referral, *, by_receiver: bool) -> None:
    """Tell the other side of this step: the referrer hears every answer, the receiver hears
    of what the referrer sent or withdrew. Both agencies' partner systems get the event."""
    status = Status(referral.status)
    if by_receiver or referral.is_external:
        recipients = referrers_of(referral)
    else:
        recipients = receivers_of(referral)
    notify(
        recipients=recipients,
        kind=EVENTS[status],
        subject=_SUBJECTS[status],
        params={"reference": referral.case.reference},
        reference=referral.case.reference,
        link=reverse("referrals:detail", args=[referral.pk]),
        channels=(Channel.IN_APP, Channel.EMAIL),
    )
    _webhooks(referral, EVENTS[status])


def reminder_sent(referral: Referral, *, to_receiver: bool) -> None:
    recipients = receivers_of(referral) if to_receiver else referrers_of(referral)
    subject = (
        _("Referral %(reference)s awaits your answer")
        if to_receiver
        else _("Referral %(reference)s has not been answered yet")
    )
    notify(
        recipients=recipients,
        kind=REMINDER_EVENT,
        subject=subject,
        params={"reference": referral.case.reference},
        reference=referral.case.reference,
        link=reverse("referrals:detail", args=[referral.pk]),
        channels=(Channel.IN_APP, Channel.EMAIL),
    )
    agency = referral.receiving_agency if to_receiver else referral.referring_agency
    notify_partner_systems(agency=agency, event=REMINDER_EVENT, data=_payload(referral, REMINDER_EVENT))
