"""What the payment services share: the locked, current payment and the checks around it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.rules import Action

from ..models import Payment


def locked(access, payment) -> Payment:
    """The payment, locked for this transaction, from the case of `access` (so an id from
    another case is simply not found)."""
    return Payment.objects.select_for_update().get(pk=getattr(payment, "pk", payment), case_id=access.case.pk)


def check_version(payment: Payment, version) -> None:
    if version is not None and int(version) != payment.version:
        raise ValidationError(
            _("Someone else changed this payment in the meantime. Please reload the page and check it again.")
        )


def check_status(payment: Payment, *allowed: str) -> None:
    if payment.status not in allowed:
        raise ValidationError(
            _("This is not possible while the payment is “%(status)s”.") % {"status": payment.get_status_display()}
        )


def require(actor, case, action: Action):
    """The actor's access to the case, if it allows `action` (a refusal is logged and 404s)."""
    access = access_for(actor, case)
    access.require(action)
    return access


def reason_required(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Please give a reason.")})
    return reason[:1000]


def bump(payment: Payment, *fields: str) -> None:
    payment.version += 1
    payment.save(update_fields=[*fields, "version"])
