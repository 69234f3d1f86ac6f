"""Consent within the first conversation: record it and share the case accordingly, at once."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.rules import Action
from cases.grants import consent_record, end_of_day, grant_create
from cases.models import Consent
from cases.scopes import NoteCategory
from notlagen.dates import format_when

from .documents import document_add


@transaction.atomic
def intake_consent_give(
    *,
    actor,
    case,
    agencies,
    scopes,
    purpose: str,
    given_how: str,
    text,
    valid_until,
    witness: str = "",
    scan=None,
) -> Consent:
    """Record the consent the person gave in the conversation and share the case accordingly:
    one grant per agency and scope, resting on this consent, for as long as it is valid (at
    most ACCESS_GRANT_MAX_DAYS). With the signed scan, if uploaded. All or nothing."""
    access = access_for(actor, case)
    access.require(Action.INTAKE_CONDUCT)
    consent = consent_record(
        actor=actor,
        person=access.case.person,
        agencies=agencies,
        scopes=scopes,
        purpose=purpose,
        given_how=given_how,
        text=text,
        valid_until=valid_until,
        witness=witness,
    )
    if (valid_until - timezone.localdate()).days >= settings.ACCESS_GRANT_MAX_DAYS:
        raise ValidationError(
            {
                "valid_until": _("Access may be granted for at most %(days)d days; please choose an earlier date.")
                % {"days": settings.ACCESS_GRANT_MAX_DAYS - 1}
            }
        )
    for agency in agencies:
        for scope in scopes:
            grant_create(
                actor=actor,
                case=access,
                grantee_agency=agency,
                scope=scope,
                purpose=purpose,
                valid_until=end_of_day(valid_until),
                consent=consent,
            )
    if scan:
        document_add(
            actor=actor,
            case=access,
            title=_("Signed consent of %(date)s") % {"date": format_when(timezone.localdate())},
            category=NoteCategory.GENERAL,
            upload=scan,
            consent=consent,
        )
    return consent
