"""Recording and withdrawing a person's consent to sharing."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decide import require
from access.rules import Action

from .. import timeline
from ..models import AccessGrant, Case, Consent, ConsentText, Person, Visibility
from ..scopes import Scope
from ._log import report
from .access_grants import PURPOSE_MAX, _grant_revoke


def _consent_errors(*, agencies, scopes, purpose, given_how, witness, text, valid_until, given_at) -> dict:
    errors: dict[str, str] = {}
    if not agencies:
        errors["agencies"] = _("A consent must name at least one agency.")
    if not scopes or not set(scopes) <= set(Scope.values):
        errors["scopes"] = _("Please choose what may be shared.")
    if not purpose or not purpose.strip():
        errors["purpose"] = _("Please state the purpose the person agrees to.")
    elif len(purpose.strip()) > PURPOSE_MAX:
        errors["purpose"] = _("Please state the purpose in at most %(n)d characters.") % {"n": PURPOSE_MAX}
    if given_how not in Consent.GivenHow.values:
        errors["given_how"] = _("Please choose how the consent was given.")
    elif given_how == Consent.GivenHow.ORAL and not witness.strip():
        errors["witness"] = _("An oral consent needs a witness.")
    if text is None or not text.is_active:
        errors["text"] = _("Please choose a current consent text.")
    if valid_until is None:
        errors["valid_until"] = _("Please enter until when the consent is valid.")
    elif valid_until < timezone.localdate():
        errors["valid_until"] = _("The date lies in the past.")
    if given_at > timezone.now():
        errors["given_at"] = _("The consent cannot have been given in the future.")
    return errors


@transaction.atomic
def consent_record(
    *,
    actor,
    person: Person,
    agencies,
    scopes,
    purpose: str,
    given_how: str,
    text: ConsentText | None,
    valid_until: date | None,
    witness: str = "",
    given_at: datetime | None = None,
) -> Consent:
    """The agency that registered the person records the person's consent (CONSENT_MANAGE)."""
    right = require(actor, Action.CONSENT_MANAGE, person)
    agencies = list(agencies or [])
    given_at = given_at or timezone.now()
    errors = _consent_errors(
        agencies=agencies,
        scopes=scopes,
        purpose=purpose,
        given_how=given_how,
        witness=witness,
        text=text,
        valid_until=valid_until,
        given_at=given_at,
    )
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        person=person,
        scopes=sorted(set(scopes)),
        purpose=purpose.strip(),
        given_how=given_how,
        witness=witness.strip(),
        text=text,
        given_at=given_at,
        valid_until=valid_until,
        recorded_by=actor,
        recorded_by_agency=person.owner_agency,
    )
    consent.agencies.set(agencies)
    _consent_event(consent, "consent", actor)
    report(actor, "consent_given", consent, person_id=person.pk, purpose=consent.purpose, agency_id=right.agency_id)
    return consent


def _consent_event(consent: Consent, kind: str, actor) -> None:
    """A consent belongs to the person; it appears on the timelines of the person's cases in
    the agency that keeps the record (owner visibility)."""
    person = consent.person
    for case_id in Case.objects.filter(person=person, owner_agency_id=person.owner_agency_id).values_list(
        "pk", flat=True
    ):
        timeline.record(
            case=case_id,
            kind=kind,
            visibility=Visibility.OWNER,
            actor=actor,
            agency_id=person.owner_agency_id,
            ref_id=consent.pk,
        )


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, note: str = "") -> list[AccessGrant]:
    """Withdrawal revokes every grant resting on the consent, in the same transaction."""
    right = require(actor, Action.CONSENT_MANAGE, consent.person)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError({"note": _("This consent has already been withdrawn.")})
    consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_note = timezone.now(), actor, note.strip()[:300]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    _consent_event(consent, "consent_withdrawn", actor)
    revoked = [
        _grant_revoke(actor=actor, grant=grant, reason=_("Consent withdrawn"))
        for grant in consent.grants.filter(revoked_at__isnull=True).select_related("case")
    ]
    report(actor, "consent_withdrawn", consent, person_id=consent.person_id, agency_id=right.agency_id)
    return revoked
