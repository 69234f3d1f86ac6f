"""Creating and revoking access grants."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from access.case_access import access_for
from access.rules import Action
from agencies.models import Agency
from agencies.selectors import team_leads_of
from notifications.services import notify
from notlagen.dates import format_when

from .. import timeline
from ..access_sync import case_permissions_sync
from ..models import AccessGrant, Case, Consent, Statute, Visibility
from ..scopes import Scope
from ._log import report

# The purpose of a grant, request or consent: what a column of the grant holds.
PURPOSE_MAX = 300


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def consent_covers(consent: Consent, *, agency: Agency, scope: str, until: datetime, now: datetime) -> str | None:
    """Why the consent does not cover a grant, or None if it does."""
    if consent.withdrawn_at is not None:
        return _("This consent has been withdrawn.")
    if end_of_day(consent.valid_until) <= now:
        return _("This consent has expired.")
    if not consent.agencies.filter(pk=agency.pk).exists():
        return _("The consent does not cover this agency.")
    if scope not in consent.scopes:
        return _("The consent does not cover this scope.")
    if until > end_of_day(consent.valid_until):
        return _("The grant would last longer than the consent (valid until %(date)s).") % {
            "date": format_when(consent.valid_until)
        }
    return None


@transaction.atomic
def grant_create(
    *,
    actor,
    case,
    grantee_agency: Agency | None,
    scope: str,
    purpose: str,
    valid_until: datetime | None,
    valid_from: datetime | None = None,
    consent: Consent | None = None,
    statute: Statute | None = None,
) -> AccessGrant:
    """The owning agency shares the case with another agency (GRANTS_MANAGE). On the person's
    consent it opens at once — for the sensitive scope the team leads are told; on a statute
    (without consent) it waits for a team lead other than the one who asked (grant_approve)."""
    access = access_for(actor, case)
    access.require(Action.GRANTS_MANAGE)
    return _grant_open(
        granted_by=actor,
        case=access.case,
        grantee_agency=grantee_agency,
        scope=scope,
        purpose=purpose,
        valid_until=valid_until,
        valid_from=valid_from,
        consent=consent,
        statute=statute,
    )


def _grant_open(*, granted_by, case, scope: str, consent=None, statute=None, **fields) -> AccessGrant:
    """Open a grant already allowed (by grant_create, a referral's acceptance or a conference's
    invitation), the one way sharing takes effect: on consent at once — the team leads told of
    the sensitive scope —, on a statute pending a team lead other than `granted_by`."""
    approval = AccessGrant.Approval.PENDING if statute is not None else AccessGrant.Approval.NOT_NEEDED
    grant = _grant_create(
        actor=granted_by, case=case, scope=scope, consent=consent, statute=statute, approval=approval, **fields
    )
    if approval == AccessGrant.Approval.PENDING:
        _tell_team_leads(grant, granted_by, gettext_lazy("Sharing without consent awaits your approval"))
    elif scope == Scope.SENSITIVE:
        _tell_team_leads(grant, granted_by, gettext_lazy("A case was shared with its sensitive data"))
    return grant


def _tell_team_leads(grant: AccessGrant, actor, subject) -> None:
    case = grant.case
    notify(
        recipients=team_leads_of(agency=case.owner_agency).exclude(pk=actor.pk),
        kind="cases.grant_four_eyes",
        subject=subject,
        reference=case.reference,
        link=reverse("cases:grants_to_approve"),
    )


def _grant_errors(*, case: Case, grantee_agency, scope, purpose, valid_from, valid_until, consent, statute, now):
    errors: dict[str, str] = {}
    if grantee_agency is None:
        errors["grantee_agency"] = _("Please choose the agency that receives access.")
    elif grantee_agency.pk == case.owner_agency_id:
        errors["grantee_agency"] = _("The owning agency already holds every scope.")
    elif not grantee_agency.receives_case_data or not grantee_agency.is_active:
        errors["grantee_agency"] = _("This agency may not receive case data.")
    if scope not in Scope.values:
        errors["scope"] = _("Please choose a scope.")
    if not purpose or not purpose.strip():
        errors["purpose"] = _("Please state the purpose of the sharing.")
    elif len(purpose.strip()) > PURPOSE_MAX:
        errors["purpose"] = _("Please state the purpose in at most %(n)d characters.") % {"n": PURPOSE_MAX}
    if (consent is None) == (statute is None):
        errors["legal_basis"] = _("Please name exactly one legal basis: a consent or a statute.")
    if valid_until is None:
        errors["valid_until"] = _("Please enter until when the grant is valid.")
    elif valid_until <= valid_from:
        errors["valid_until"] = _("The end must be after the start.")
    elif valid_until > now + timedelta(days=settings.ACCESS_GRANT_MAX_DAYS):
        errors["valid_until"] = _("A grant may last at most %(days)d days.") % {"days": settings.ACCESS_GRANT_MAX_DAYS}
    if statute is not None and not statute.is_active:
        errors["legal_basis"] = _("This statute is no longer in use.")
    return errors


def _grant_create(
    *,
    actor,
    case: Case,
    grantee_agency,
    scope,
    purpose,
    valid_until,
    valid_from=None,
    consent=None,
    statute=None,
    approval=AccessGrant.Approval.NOT_NEEDED,
) -> AccessGrant:
    """Create a grant once the caller has established the right to (the owner's grant
    management, or the decision on an access request)."""
    now = timezone.now()
    valid_from = valid_from or now
    errors = _grant_errors(
        case=case,
        grantee_agency=grantee_agency,
        scope=scope,
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        consent=consent,
        statute=statute,
        now=now,
    )
    if consent is not None and "grantee_agency" not in errors and "valid_until" not in errors:
        # Locked, so a withdrawal running at the same moment either comes first (and is seen
        # here) or waits and then revokes this grant too.
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.person_id != case.person_id:
            errors["legal_basis"] = _("The consent belongs to another person.")
        elif reason := consent_covers(consent, agency=grantee_agency, scope=scope, until=valid_until, now=now):
            errors["legal_basis"] = reason
    if errors:
        raise ValidationError(errors)
    grant = AccessGrant.objects.create(
        case=case,
        grantee_agency=grantee_agency,
        scope=scope,
        purpose=purpose.strip(),
        consent=consent,
        statute=statute,
        granted_by=actor,
        valid_from=valid_from,
        valid_until=valid_until,
        approval=approval,
    )
    case_permissions_sync(case)
    grant_event(grant, "grant", actor)
    report(actor, "grant", grant, case=case, basis=grant.legal_basis_label, purpose=grant.purpose)
    return grant


def grant_event(grant: AccessGrant, kind: str, actor) -> None:
    """Sharing appears on the timeline of the owning agency only: who else is involved can
    itself be sensitive (a women's counselling centre, say)."""
    timeline.record(
        case=grant.case_id,
        kind=kind,
        visibility=Visibility.OWNER,
        actor=actor,
        agency_id=grant.case.owner_agency_id,
        ref_id=grant.pk,
        agency=grant.grantee_agency.short_name or grant.grantee_agency.name,
        scope=grant.scope,
        until=grant.valid_until.isoformat(),
    )


@transaction.atomic
def grant_revoke(*, actor, grant: AccessGrant, reason: str) -> AccessGrant:
    """The owning agency ends a grant before its time (GRANTS_MANAGE)."""
    access_for(actor, grant.case).require(Action.GRANTS_MANAGE)
    return _grant_revoke(actor=actor, grant=grant, reason=reason)


def _grant_revoke(*, actor, grant: AccessGrant, reason: str) -> AccessGrant:
    grant = AccessGrant.objects.select_for_update().select_related("case", "grantee_agency").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError({"reason": _("This grant has already been revoked.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for revoking.")})
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason.strip()[:300]
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    case_permissions_sync(grant.case)
    grant_event(grant, "grant_revoked", actor)
    report(actor, "revoke", grant, case=grant.case, purpose=grant.revoke_reason)
    return grant


def _pending_grant(grant: AccessGrant) -> AccessGrant:
    locked = AccessGrant.objects.select_for_update().select_related("case", "grantee_agency").get(pk=grant.pk)
    if locked.approval != AccessGrant.Approval.PENDING or locked.revoked_at is not None:
        raise ValidationError({"__all__": _("This grant has been decided already.")})
    return locked


@transaction.atomic
def grant_approve(*, actor, grant: AccessGrant) -> AccessGrant:
    """A team lead of the owning agency, not the one who asked, lets a grant without consent open."""
    grant = _pending_grant(grant)
    access_for(actor, grant.case).require(Action.GRANT_APPROVE)
    if grant.granted_by_id == actor.pk:
        events.denied(actor=actor, object_type="grant", object_id=grant.pk, action="change", case_id=grant.case_id)
        raise ValidationError({"__all__": _("Another team lead has to approve sharing you asked for.")})
    grant.approval, grant.approved_by, grant.approved_at = AccessGrant.Approval.APPROVED, actor, timezone.now()
    grant.save(update_fields=["approval", "approved_by", "approved_at"])
    case_permissions_sync(grant.case)
    grant_event(grant, "grant_approved", actor)
    report(actor, "grant", grant, case=grant.case, basis=grant.legal_basis_label, purpose="approved")
    notify(
        recipients=[grant.granted_by],
        kind="cases.grant_decided",
        subject=gettext_lazy("The sharing you asked for has been approved"),
        reference=grant.case.reference,
        link=reverse("cases:grants", args=[grant.case_id]),
    )
    return grant


@transaction.atomic
def grant_refuse(*, actor, grant: AccessGrant, reason: str) -> AccessGrant:
    grant = _pending_grant(grant)
    access_for(actor, grant.case).require(Action.GRANT_APPROVE)
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for refusing.")})
    grant.approval, grant.approved_at = AccessGrant.Approval.REFUSED, timezone.now()
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason.strip()[:300]
    grant.save(update_fields=["approval", "approved_at", "revoked_at", "revoked_by", "revoke_reason"])
    grant_event(grant, "grant_refused", actor)
    report(actor, "revoke", grant, case=grant.case, purpose=f"refused: {grant.revoke_reason}")
    notify(
        recipients=[grant.granted_by],
        kind="cases.grant_decided",
        subject=gettext_lazy("The sharing you asked for has been refused"),
        reference=grant.case.reference,
        link=reverse("cases:grants", args=[grant.case_id]),
    )
    return grant
