"""Access requests: a partner agency asks the owning agency for access; the owner's team leads decide."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.decide import require
from access.rules import Action
from agencies.models import Agency
from agencies.selectors import team_leads_of
from notifications.services import notify

from ..models import AccessRequest, Case, Consent, Statute
from ..scopes import Scope
from ._log import report
from .access_grants import PURPOSE_MAX, _grant_create


@transaction.atomic
def access_request_create(*, actor, case: Case, scope: str, purpose: str) -> AccessRequest:
    """A partner agency asks the owning agency for access; the owner's team leads are told.
    The requester does not learn anything about the case from asking."""
    right = require(actor, Action.ACCESS_REQUEST_CREATE, case)
    agency = Agency.objects.get(pk=right.agency_id)
    errors = {}
    if scope not in Scope.values:
        errors["scope"] = _("Please choose a scope.")
    if not purpose or len(purpose.strip()) < 10:
        errors["purpose"] = _("Please describe the purpose (at least 10 characters).")
    elif len(purpose.strip()) > PURPOSE_MAX:
        errors["purpose"] = _("Please state the purpose in at most %(n)d characters.") % {"n": PURPOSE_MAX}
    if errors:
        raise ValidationError(errors)
    duplicate = ValidationError({"scope": _("Your agency has already asked for this scope; the request is pending.")})
    if AccessRequest.objects.filter(
        case=case, requesting_agency=agency, scope=scope, status=AccessRequest.Status.PENDING
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            request = AccessRequest.objects.create(
                case=case, requesting_agency=agency, requested_by=actor, scope=scope, purpose=purpose.strip()
            )
    except IntegrityError:  # the same request sent twice at once
        raise duplicate from None
    notify(
        recipients=team_leads_of(agency=case.owner_agency),
        kind="cases.access_requested",
        subject=gettext_lazy("Access request from %(agency)s"),
        params={"agency": agency.short_name or agency.name},
        reference=case.reference,
        link=reverse("cases:access_requests"),
    )
    notify(
        recipients=[actor],
        kind="cases.access_request_sent",
        subject=gettext_lazy("Your access request has been sent"),
        body=gettext_lazy("The owning agency decides; you will be notified."),
        link=reverse("cases:access_requests"),
    )
    # No person id: the requester has not seen whose case it is.
    report(actor, "access_request", case, case=case, name_person=False, purpose=request.purpose, agency_id=agency.pk)
    return request


@transaction.atomic
def access_request_decide(
    *,
    actor,
    request: AccessRequest,
    approve: bool,
    note: str = "",
    valid_until: datetime | None = None,
    consent: Consent | None = None,
    statute: Statute | None = None,
) -> AccessRequest:
    request = AccessRequest.objects.select_for_update().select_related("case", "requesting_agency").get(pk=request.pk)
    right = require(actor, Action.ACCESS_REQUEST_DECIDE, request.case)
    if request.status != AccessRequest.Status.PENDING:
        raise ValidationError({"__all__": _("This request has already been decided.")})
    if approve:
        request.grant = _grant_create(
            actor=actor,
            case=request.case,
            grantee_agency=request.requesting_agency,
            scope=request.scope,
            purpose=request.purpose,
            valid_until=valid_until,
            consent=consent,
            statute=statute,
        )
        request.status = AccessRequest.Status.APPROVED
        subject = gettext_lazy("Your access request has been approved")
        link = reverse("cases:detail", args=[request.case_id])
    else:
        if not note.strip():
            raise ValidationError({"note": _("Please give a reason for refusing.")})
        request.status = AccessRequest.Status.REFUSED
        subject = gettext_lazy("Your access request has been refused")
        link = reverse("cases:access_requests")
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()[:300]
    request.save()
    notify(
        recipients=[request.requested_by],
        kind="cases.access_request_decided",
        subject=subject,
        reference=request.case.reference if approve else "",
        link=link,
    )
    report(
        actor,
        "change",
        request,
        case=request.case,
        object_type="access_request",
        purpose=request.get_status_display(),
        agency_id=right.agency_id,
    )
    return request
