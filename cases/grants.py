"""Consent, access grants, access requests and break-glass: the lawful sharing of a case
(§ 67d ff. SGB X: transfer only with consent or a statutory basis, for a purpose, for a time).
Every function runs in one transaction and re-derives the case's guardian rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from agencies.selectors import team_leads_of
from notifications.services import notify
from notlagen import access_events

from . import permissions, timeline
from .access_sync import case_permissions_sync
from .models import AccessGrant, AccessRequest, Case, Consent, ConsentText, Person, Statute, Visibility
from .scopes import Scope


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def consent_covers(consent: Consent, *, agency: Agency, scope: str, until: datetime, now: datetime) -> str | None:
    """Why the consent does not cover a grant, or None if it does."""
    if consent.withdrawn_at is not None:
        return _("This consent has been withdrawn.")
    if _end_of_day(consent.valid_until) <= now:
        return _("This consent has expired.")
    if not consent.agencies.filter(pk=agency.pk).exists():
        return _("The consent does not cover this agency.")
    if scope not in consent.scopes:
        return _("The consent does not cover this scope.")
    if until > _end_of_day(consent.valid_until):
        return _("The grant would last longer than the consent (valid until %(date)s).") % {
            "date": consent.valid_until.strftime("%d.%m.%Y")
        }
    return None


@transaction.atomic
def grant_create(
    *,
    actor,
    case: Case,
    grantee_agency: Agency | None,
    scope: str,
    purpose: str,
    valid_until: datetime | None,
    valid_from: datetime | None = None,
    consent: Consent | None = None,
    statute: Statute | None = None,
    _skip_permission_check: bool = False,
) -> AccessGrant:
    if not _skip_permission_check and not permissions.can_manage_grants(actor, case):
        raise PermissionDenied
    now = timezone.now()
    valid_from = valid_from or now
    errors: dict[str, str] = {}
    if grantee_agency is None:
        errors["grantee_agency"] = _("Please choose the agency that receives access.")
    elif grantee_agency.pk == case.owner_agency_id:
        errors["grantee_agency"] = _("The owning agency already holds every scope.")
    if scope not in Scope.values:
        errors["scope"] = _("Please choose a scope.")
    if not purpose or not purpose.strip():
        errors["purpose"] = _("Please state the purpose of the sharing.")
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
    )
    case_permissions_sync(case)
    _grant_event(grant, "grant", actor)
    access_events.report(
        actor=actor,
        action="grant",
        object_type="grant",
        object_ids=[grant.pk],
        case_ids=[case.pk],
        person_ids=[case.person_id],
        basis=grant.legal_basis_label,
        purpose=grant.purpose,
    )
    return grant


def _grant_event(grant: AccessGrant, kind: str, actor) -> None:
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
def grant_revoke(*, actor, grant: AccessGrant, reason: str, _by_consent_withdrawal: bool = False) -> AccessGrant:
    if not _by_consent_withdrawal and not permissions.can_manage_grants(actor, grant.case):
        raise PermissionDenied
    grant = AccessGrant.objects.select_for_update().select_related("case", "grantee_agency").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError({"reason": _("This grant has already been revoked.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for revoking.")})
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason.strip()[:300]
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    case_permissions_sync(grant.case)
    _grant_event(grant, "grant_revoked", actor)
    access_events.report(
        actor=actor,
        action="revoke",
        object_type="grant",
        object_ids=[grant.pk],
        case_ids=[grant.case_id],
        person_ids=[grant.case.person_id],
        purpose=grant.revoke_reason,
    )
    return grant


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
    if not permissions.can_manage_person(actor, person):
        raise PermissionDenied
    agencies = list(agencies or [])
    errors: dict[str, str] = {}
    if not agencies:
        errors["agencies"] = _("A consent must name at least one agency.")
    if not scopes or not set(scopes) <= set(Scope.values):
        errors["scopes"] = _("Please choose what may be shared.")
    if not purpose or not purpose.strip():
        errors["purpose"] = _("Please state the purpose the person agrees to.")
    if given_how not in Consent.GivenHow.values:
        errors["given_how"] = _("Please choose how the consent was given.")
    elif given_how == Consent.GivenHow.ORAL and not witness.strip():
        errors["witness"] = _("An oral consent needs a witness.")
    if text is None or not text.is_active:
        errors["text"] = _("Please choose a current consent text.")
    today = timezone.localdate()
    if valid_until is None:
        errors["valid_until"] = _("Please enter until when the consent is valid.")
    elif valid_until < today:
        errors["valid_until"] = _("The date lies in the past.")
    given_at = given_at or timezone.now()
    if given_at > timezone.now():
        errors["given_at"] = _("The consent cannot have been given in the future.")
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
    access_events.report(
        actor=actor,
        action="consent_given",
        object_type="consent",
        object_ids=[consent.pk],
        person_ids=[person.pk],
        purpose=consent.purpose,
    )
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
    if not permissions.can_manage_person(actor, consent.person):
        raise PermissionDenied
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError({"note": _("This consent has already been withdrawn.")})
    consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_note = timezone.now(), actor, note.strip()[:300]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    _consent_event(consent, "consent_withdrawn", actor)
    revoked = []
    for grant in consent.grants.filter(revoked_at__isnull=True).select_related("case"):
        revoked.append(
            grant_revoke(actor=actor, grant=grant, reason=_("Consent withdrawn"), _by_consent_withdrawal=True)
        )
    access_events.report(
        actor=actor,
        action="consent_withdrawn",
        object_type="consent",
        object_ids=[consent.pk],
        person_ids=[consent.person_id],
    )
    return revoked


@transaction.atomic
def access_request_create(*, actor, case: Case, scope: str, purpose: str) -> AccessRequest:
    """A partner agency asks the owning agency for access; the owner's team leads are told.
    The requester does not learn anything about the case from asking."""
    agency = permissions.agency_for(actor, "cases.request_access", exclude=case.owner_agency_id)
    if agency is None:
        raise PermissionDenied
    errors = {}
    if scope not in Scope.values:
        errors["scope"] = _("Please choose a scope.")
    if not purpose or len(purpose.strip()) < 10:
        errors["purpose"] = _("Please describe the purpose (at least 10 characters).")
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
    access_events.report(
        actor=actor,
        action="access_request",
        object_type="case",
        object_ids=[case.pk],
        case_ids=[case.pk],
        purpose=request.purpose,
    )
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
    if not permissions.can_decide_access_requests(actor, request.case):
        raise PermissionDenied
    if request.status != AccessRequest.Status.PENDING:
        raise ValidationError({"__all__": _("This request has already been decided.")})
    if approve:
        request.grant = grant_create(
            actor=actor,
            case=request.case,
            grantee_agency=request.requesting_agency,
            scope=request.scope,
            purpose=request.purpose,
            valid_until=valid_until,
            consent=consent,
            statute=statute,
            _skip_permission_check=True,
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
    return request


BREAK_GLASS_SITUATIONS = [
    ("danger_to_life", gettext_lazy("Danger to life or limb")),
    ("child_welfare", gettext_lazy("Risk to a child's welfare")),
    ("acute_crisis", gettext_lazy("Acute crisis, owning agency not reachable")),
    ("other", gettext_lazy("Other emergency")),
]


@transaction.atomic
def break_glass_open(*, actor, case: Case, situation: str, reason: str) -> AccessGrant:
    """Emergency access outside the grants: basic scope for at most BREAK_GLASS_HOURS, flagged
    for auditor review; the owning agency's team leads are told at once."""
    agency = permissions.agency_for(actor, "cases.break_glass", exclude=case.owner_agency_id)
    if agency is None:
        raise PermissionDenied
    errors = {}
    if situation not in dict(BREAK_GLASS_SITUATIONS):
        errors["situation"] = _("Please choose the situation.")
    if len(reason.strip()) < settings.BREAK_GLASS_MIN_REASON_LENGTH:
        errors["reason"] = _("Please explain the emergency in at least %(n)d characters.") % {
            "n": settings.BREAK_GLASS_MIN_REASON_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    grant = AccessGrant.objects.create(
        case=case,
        grantee_agency=agency,
        scope=Scope.BASIC,
        purpose=f"{dict(BREAK_GLASS_SITUATIONS)[situation]}: {reason.strip()}"[:300],
        granted_by=actor,
        valid_from=now,
        valid_until=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
        is_break_glass=True,
        break_glass_situation=situation,
        needs_review=True,
    )
    case_permissions_sync(case)
    _grant_event(grant, "break_glass", actor)
    notify(
        recipients=team_leads_of(agency=case.owner_agency),
        kind="cases.break_glass",
        subject=gettext_lazy("Emergency access to a case by %(agency)s"),
        params={"agency": agency.short_name or agency.name},
        reference=case.reference,
        link=reverse("cases:grants", args=[case.pk]),
        channels=("in_app", "email"),
    )
    access_events.report(
        actor=actor,
        action="break_glass",
        object_type="case",
        object_ids=[case.pk],
        case_ids=[case.pk],
        person_ids=[case.person_id],
        basis="break-glass",
        purpose=grant.purpose,
    )
    return grant
