"""Notifications about payments, through the outbox (written in the service's transaction).
They name the voucher number and link to the payment's page, which checks access itself;
never the person, the purpose or the amount."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.selectors import members_with_perm_in
from notifications.services import notify

from .models import Payment


def _link(payment: Payment) -> str:
    return reverse("payments:detail", args=[payment.case_id, payment.pk])


def needs_team_lead(amount: Decimal) -> bool:
    return amount > Decimal(settings.PAYMENTS_TEAM_LEAD_ABOVE)


def approval_asked(payment: Payment) -> None:
    perm = "payments.approve_large_payment" if needs_team_lead(payment.amount) else "payments.approve_payment"
    approvers = members_with_perm_in(agency_id=payment.fund.agency_id, perm=perm).exclude(pk=payment.requested_by_id)
    notify(
        recipients=list(approvers),
        kind="payment.approval_asked",
        subject=_("Payment %(number)s is waiting for your approval"),
        params={"number": payment.voucher_number},
        reference=payment.voucher_number,
        link=_link(payment),
        channels=("in_app", "email"),
    )


_DECISIONS = {
    "approved": _("Payment %(number)s has been approved"),
    "rejected": _("Payment %(number)s has been rejected"),
    "returned": _("Payment %(number)s was sent back to you for correction"),
}


def requester_told(payment: Payment, decision: str) -> None:
    requester = payment.requested_by
    notify(
        recipients=[requester],
        kind=f"payment.{decision}",
        subject=_DECISIONS[decision],
        params={"number": payment.voucher_number},
        reference=payment.voucher_number,
        link=_link(payment),
        channels=("in_app", "email"),
    )
