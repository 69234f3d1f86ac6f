"""Writing a referral: a draft, or sent at once. Every rule of what may be sent is checked here
(the legal basis covers the receiving agency and what is shared, the deadline lies ahead, the
case is open); an error lands at its field and nothing is saved."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.rules import Action
from cases.grants import consent_covers
from cases.models import Case, Consent, Statute
from cases.scopes import Scope

from ..models import OPEN_STATES, Offer, Referral, Status, Urgency
from .lifecycle import moved

PURPOSE_MAX = 300
MESSAGE_MAX = 2000
LONGEST_DEADLINE_DAYS = 90


def _basis_errors(*, case: Case, offer: Offer, scope: str, consent, statute, today: date) -> dict[str, str]:
    if (consent is None) == (statute is None):
        return {"legal_basis": _("Please name exactly one legal basis: a consent of the person or a statute.")}
    if statute is not None:
        return {} if statute.is_active else {"legal_basis": _("This statute is no longer in use.")}
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.person_id != case.person_id:
        return {"legal_basis": _("The consent belongs to another person.")}
    agency = offer.provider.agency
    if agency is None:
        # An external provider: the person carries the slip; the consent must still be in force
        # and cover what the slip shows.
        if consent.withdrawn_at is not None:
            return {"legal_basis": _("This consent has been withdrawn.")}
        if consent.valid_until < today:
            return {"legal_basis": _("This consent has expired.")}
        if scope not in consent.scopes:
            return {"legal_basis": _("The consent does not cover this scope.")}
        return {}
    now = timezone.now()
    reason = consent_covers(consent, agency=agency, scope=scope, until=now + timedelta(seconds=1), now=now)
    return {"legal_basis": reason} if reason else {}


def _already_open(case: Case, offer: Offer) -> bool:
    return Referral.objects.filter(case=case, offer=offer, status__in=OPEN_STATES).exists()


def _errors(*, case, offer, purpose, scope, urgency, message, respond_by, consent, statute, sending) -> dict:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if case.status == Case.Status.CLOSED:
        errors["__all__"] = _("The case is closed; nothing can be referred from it.")
    if offer is None or not offer.is_active or not offer.provider.is_active:
        errors["offer"] = _("Please choose an active help offer.")
    elif offer.provider.agency_id == case.owner_agency_id:
        errors["offer"] = _("This offer belongs to your own agency; no referral is needed.")
    elif offer.provider.agency is not None and not (
        offer.provider.agency.receives_case_data and offer.provider.agency.is_active
    ):
        errors["offer"] = _("This provider's agency may not receive case data; hand the person a slip instead.")
    if "offer" not in errors and offer is not None and _already_open(case, offer):
        errors["offer"] = _("This case already has an open referral to this offer.")
    if not purpose or not purpose.strip():
        errors["purpose"] = _("Please state the purpose of the referral.")
    elif len(purpose.strip()) > PURPOSE_MAX:
        errors["purpose"] = _("Please state the purpose in at most %(n)d characters.") % {"n": PURPOSE_MAX}
    if scope not in Scope.values:
        errors["scope"] = _("Please choose what is shared.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Please choose the urgency.")
    if len(message or "") > MESSAGE_MAX:
        errors["message"] = _("Please keep the message to at most %(n)d characters.") % {"n": MESSAGE_MAX}
    if respond_by is None:
        if sending:
            errors["respond_by"] = _("Please enter by when the provider should answer.")
    elif respond_by < today:
        errors["respond_by"] = _("The deadline lies in the past.")
    elif respond_by > today + timedelta(days=LONGEST_DEADLINE_DAYS):
        errors["respond_by"] = _("The deadline may be at most %(n)d days ahead.") % {"n": LONGEST_DEADLINE_DAYS}
    if sending and not errors.keys() & {"offer", "scope"}:
        errors.update(_basis_errors(case=case, offer=offer, scope=scope, consent=consent, statute=statute, today=today))
    elif (consent is not None) and (statute is not None):
        errors["legal_basis"] = _("Please name exactly one legal basis: a consent of the person or a statute.")
    return errors


@transaction.atomic
def referral_save(
    *,
    actor,
    case,
    offer: Offer | None,
    purpose: str,
    scope: str,
    urgency: str = Urgency.NORMAL,
    message: str = "",
    respond_by: date | None = None,
    consent: Consent | None = None,
    statute: Statute | None = None,
    send: bool = True,
    draft: Referral | None = None,
    version: int | None = None,
) -> Referral:
    """Save a referral of the case to the offer — a new one or the given draft — and send it
    (`send`) or keep it as a draft. The case's owner refers (REFERRAL_CREATE)."""
    access = access_for(actor, case)
    right = access.require(Action.REFERRAL_CREATE)
    case = Case.objects.select_for_update().get(pk=access.pk)
    if draft is not None:
        draft = Referral.objects.select_for_update().get(pk=draft.pk, case=case)
        if draft.status != Status.DRAFT or (version is not None and draft.version != version):
            raise ValidationError({"__all__": _("Someone else has changed this referral meanwhile. Please check it.")})
    fields = dict(
        offer=offer,
        purpose=(purpose or "").strip(),
        scope=scope,
        urgency=urgency,
        message=(message or "").strip(),
        respond_by=respond_by,
        consent=consent,
        statute=statute,
    )
    errors = _errors(case=case, sending=send, **fields)
    if errors:
        raise ValidationError(errors)
    referral = draft or Referral(case=case, created_by=actor, referring_agency_id=right.agency_id)
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.receiving_agency = offer.provider.agency
    if draft is not None:
        referral.version += 1
    referral.save()
    if draft is None:
        moved(referral, actor=actor, agency_id=right.agency_id, to=Status.DRAFT, by_receiver=False, tell=False)
    if send:
        referral.sent_at = timezone.now()
        moved(referral, actor=actor, agency_id=right.agency_id, to=Status.SENT, by_receiver=False)
    return referral
