"""The grants a referral opens and ends (referrals.services calls these; nothing else writes
the guardian rows). Accepting a referral opens the receiving agency's grant of the referral's
scope, on the referral's legal basis: on consent at once, on a statute after the owning
agency's four eyes (grant_approve), as any sharing without consent. The grant is `granted_by`
the worker who referred — the person who decided to share — so a team lead other than that
worker approves. Each function asks the access layer for the acting side's right itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access.decide import may, require_in, right_in
from access.rules import Action

from ..access_sync import case_permissions_sync
from ..models import AccessGrant
from ._log import report
from .access_grants import _grant_open, _grant_revoke, end_of_day, grant_event


def _grant_until(referral, now: datetime) -> datetime:
    """While the referral is open: REFERRAL_GRANT_DAYS, within the consent's validity and the
    longest grant allowed."""
    until = now + timedelta(days=min(settings.REFERRAL_GRANT_DAYS, settings.ACCESS_GRANT_MAX_DAYS))
    if referral.consent_id is not None:
        until = min(until, end_of_day(referral.consent.valid_until))
    return until


@transaction.atomic
def referral_grant_open(*, actor, referral) -> AccessGrant:
    """The receiving agency accepted: its grant of the referral's scope opens (or, on a statute,
    waits for the owning agency's team lead)."""
    require_in(actor, Action.REFERRAL_ANSWER, referral.receiving_agency_id)
    return _grant_open(
        granted_by=referral.created_by,
        case=referral.case,
        grantee_agency=referral.receiving_agency,
        scope=referral.scope,
        purpose=referral.purpose,
        valid_until=_grant_until(referral, timezone.now()),
        consent=referral.consent,
        statute=referral.statute,
    )


def _grant_of(referral) -> AccessGrant | None:
    """The referral's grant as the database holds it now (never a copy loaded before a wait)."""
    if referral.grant_id is None:
        return None
    return AccessGrant.objects.select_related("case", "grantee_agency").get(pk=referral.grant_id)


def _may_end(actor, referral) -> bool:
    """The referring side (the case's owner) or the receiving agency, or the system (None)."""
    if actor is None:
        return True
    if may(actor, Action.REFERRAL_CREATE, referral.case) is not None:
        return True
    return referral.receiving_agency_id is not None and (
        right_in(actor, Action.REFERRAL_ANSWER, referral.receiving_agency_id) is not None
    )


@transaction.atomic
def referral_grant_revoke(*, actor, referral, reason: str) -> AccessGrant | None:
    """Declined, withdrawn or expired: the grant ends now (actor None: the expiry sweep)."""
    grant = _grant_of(referral)
    if grant is None or grant.revoked_at is not None or not _may_end(actor, referral):
        return None
    return _grant_revoke(actor=actor, grant=grant, reason=reason)


@transaction.atomic
def referral_grant_follow_up(*, actor, referral) -> AccessGrant | None:
    """Completed: the grant runs on for the follow-up period (REFERRAL_FOLLOW_UP_DAYS), never
    longer than it would have."""
    grant = _grant_of(referral)
    if grant is None or grant.revoked_at is not None or not _may_end(actor, referral):
        return None
    grant = AccessGrant.objects.select_for_update().select_related("case", "grantee_agency").get(pk=grant.pk)
    until = timezone.now() + timedelta(days=settings.REFERRAL_FOLLOW_UP_DAYS)
    if settings.REFERRAL_FOLLOW_UP_DAYS == 0 or until <= grant.valid_from:
        return _grant_revoke(actor=actor, grant=grant, reason="referral completed")
    if until < grant.valid_until:
        grant.valid_until = until
        grant.save(update_fields=["valid_until"])
        case_permissions_sync(grant.case)
        grant_event(grant, "grant_shortened", actor)
        report(actor, "change", grant, case=grant.case, purpose="referral follow-up")
    return grant
