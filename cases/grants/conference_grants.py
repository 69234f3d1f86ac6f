"""The grants a case conference opens and ends (conferences.services calls these; nothing else
writes the guardian rows). Inviting an agency opens its grant of the chosen scope on the
participant's legal basis: on consent at once (the consent must cover agency, scope and time),
on a statute after the owning agency's four eyes, as any sharing without consent. The grant
runs from the invitation until CONFERENCE_GRANT_DAYS_AFTER days after the conference, never
longer than the consent or ACCESS_GRANT_MAX_DAYS. It is `granted_by` the convening worker.
A moved conference moves the grants' end. Each function asks the access layer for
CONFERENCE_CONVENE on the case itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from access.case_access import access_for
from access.rules import Action

from ..access_sync import case_permissions_sync
from ..models import AccessGrant
from ._log import report
from .access_grants import _grant_open, _grant_revoke, _tell_team_leads, end_of_day, grant_event


def conference_grant_until(conference, consent, now: datetime) -> datetime:
    """Until the conference is CONFERENCE_GRANT_DAYS_AFTER days past, within the consent's
    validity and the longest grant allowed."""
    until = min(
        conference.ends_at + timedelta(days=settings.CONFERENCE_GRANT_DAYS_AFTER),
        now + timedelta(days=settings.ACCESS_GRANT_MAX_DAYS),
    )
    if consent is not None:
        until = min(until, end_of_day(consent.valid_until))
    return until


@transaction.atomic
def conference_grant_open(*, actor, participant) -> AccessGrant:
    """The participant's agency is invited: its grant opens (or, on a statute, waits for a
    team lead of the owning agency other than the actor)."""
    conference = participant.conference
    access_for(actor, conference.case).require(Action.CONFERENCE_CONVENE)
    return _grant_open(
        granted_by=actor,
        case=conference.case,
        grantee_agency=participant.agency,
        scope=participant.scope,
        purpose=conference.purpose[:300] or conference.title,
        valid_until=conference_grant_until(conference, participant.consent, timezone.now()),
        consent=participant.consent,
        statute=participant.statute,
    )


@transaction.atomic
def conference_grant_revoke(*, actor, participant, reason: str) -> AccessGrant | None:
    """A withdrawn invitation or a cancelled conference: the participant's grant ends now."""
    access_for(actor, participant.conference.case).require(Action.CONFERENCE_CONVENE)
    if participant.grant_id is None:
        return None
    grant = AccessGrant.objects.get(pk=participant.grant_id)
    if grant.revoked_at is not None:
        return None
    return _grant_revoke(actor=actor, grant=grant, reason=reason)


@transaction.atomic
def conference_grant_follow_date(*, actor, participant) -> AccessGrant | None:
    """The conference moved: the participant's grant runs until CONFERENCE_GRANT_DAYS_AFTER days
    after the new date — within its consent (checked by the caller before the move) and never
    longer than ACCESS_GRANT_MAX_DAYS from its start. A grant that ended stays ended. A grant on a
    statute that would run past the end its team lead approved waits for the four eyes again."""
    conference = participant.conference
    access_for(actor, conference.case).require(Action.CONFERENCE_CONVENE)
    if participant.grant_id is None:
        return None
    grant = (
        AccessGrant.objects.select_for_update().select_related("case", "grantee_agency").get(pk=participant.grant_id)
    )
    now = timezone.now()
    if grant.revoked_at is not None or grant.valid_until <= now:
        return None
    until = min(
        conference_grant_until(conference, participant.consent, now),
        grant.valid_from + timedelta(days=settings.ACCESS_GRANT_MAX_DAYS),
    )
    if until == grant.valid_until:
        return grant
    fields = ["valid_until"]
    approved_shorter = grant.approval == AccessGrant.Approval.APPROVED and until > grant.valid_until
    grant.valid_until = until
    if approved_shorter:
        grant.approval, grant.approved_by, grant.approved_at = AccessGrant.Approval.PENDING, None, None
        fields += ["approval", "approved_by", "approved_at"]
    grant.save(update_fields=fields)
    case_permissions_sync(grant.case)
    grant_event(grant, "grant_moved", actor)
    report(actor, "change", grant, case=grant.case, purpose="case conference moved")
    if approved_shorter:
        _tell_team_leads(grant, actor, gettext_lazy("Sharing without consent awaits your approval"))
    return grant
