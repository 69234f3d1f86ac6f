"""The auditors' review queue: break-glass accesses and bursts of denied attempts, each with a
verdict; a "not justified" verdict notifies the actor's team leads."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from access.decide import refuse, require
from access.rules import Action
from agencies.selectors import agencies_of, team_leads_of
from cases.models import AccessGrant
from notifications.services import notify

from .models import AccessLogEntry, Review


def sync_break_glass_reviews() -> int:
    """Every break-glass grant awaiting review has its review row."""
    missing = AccessGrant.objects.filter(is_break_glass=True, needs_review=True, review__isnull=True)
    created = 0
    for grant in missing.select_related("granted_by"):
        Review.objects.get_or_create(grant=grant, defaults={"kind": Review.Kind.BREAK_GLASS, "actor": grant.granted_by})
        created += 1
    return created


def detect_denied_bursts(*, now: datetime | None = None) -> list[Review]:
    """Actors with more than DENIED_BURST_THRESHOLD denied attempts in the last hour."""
    now = now or timezone.now()
    window_start = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    rows = (
        AccessLogEntry.objects.filter(outcome="denied", time__gte=window_start, actor__isnull=False)
        .values("actor")
        .annotate(n=Count("id"))
        .filter(n__gt=settings.DENIED_BURST_THRESHOLD)
    )
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    kind=Review.Kind.DENIED_BURST,
                    actor_id=row["actor"],
                    window_start=window_start,
                    window_end=now,
                    denied_count=row["n"],
                )
        except IntegrityError:
            continue  # already queued for this window
        created.append(review)
        from .alerts import alert

        alert("audit.denied_burst", gettext_lazy("Many denied access attempts by one person"), str(review.pk))
    return created


def pending_reviews(*, reviewer=None):
    """The review queue; a reviewer never sees (nor decides) a review of their own accesses."""
    sync_break_glass_reviews()
    reviews = Review.objects.select_related("actor", "grant__case", "grant__grantee_agency", "decided_by")
    return reviews.exclude(actor=reviewer) if reviewer is not None else reviews


@transaction.atomic
def review_decide(*, actor, review: Review, verdict: str, comment: str) -> Review:
    """An auditor's verdict. Nobody judges their own access, whatever roles they combine. "Not
    justified" ends a still running emergency grant at once and tells the owning agency and
    the actor's team leads."""
    require(actor, Action.AUDIT_USE)
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("grant__case__owner_agency").get(pk=review.pk)
    )
    if review.actor_id == actor.pk:
        refuse(actor, Action.AUDIT_USE)
    if review.verdict:
        raise ValidationError({"verdict": _("This review has already been decided.")})
    if verdict not in Review.Verdict.values:
        raise ValidationError({"verdict": _("Please choose a verdict.")})
    if verdict != Review.Verdict.JUSTIFIED and not comment.strip():
        raise ValidationError({"comment": _("Please explain the verdict.")})
    review.verdict, review.comment = verdict, comment.strip()
    review.decided_by, review.decided_at = actor, timezone.now()
    review.save()
    if review.grant_id:
        AccessGrant.objects.filter(pk=review.grant_id).update(needs_review=False)
    if verdict == Review.Verdict.NOT_JUSTIFIED:
        if review.grant_id:
            _end_emergency_access(actor, review)
        leads = {lead for agency in agencies_of(review.actor) for lead in team_leads_of(agency=agency)}
        notify(
            recipients=sorted(leads, key=lambda u: u.pk),
            kind="audit.not_justified",
            subject=gettext_lazy("An access by a member of your team was found not justified"),
            body=gettext_lazy("Please contact the data-protection office for the details."),
            reference=f"R-{review.pk}",
            link=reverse("home"),
            channels=("in_app", "email"),
        )
    events.report(actor=actor, action="change", object_type="review", object_ids=[review.pk], purpose=verdict)
    return review


def _end_emergency_access(actor, review: Review) -> None:
    """The emergency grant ends now, with the verdict as its reason; the owning agency is told."""
    from cases.grants.access_grants import _grant_revoke

    grant = review.grant
    if grant.revoked_at is None and grant.valid_until > timezone.now():
        _grant_revoke(actor=actor, grant=grant, reason=str(_("Emergency access found not justified")))
    notify(
        recipients=list(team_leads_of(agency=grant.case.owner_agency)),
        kind="audit.not_justified_owner",
        subject=gettext_lazy("An emergency access to your case was found not justified"),
        reference=grant.case.reference,
        link=reverse("cases:grants", args=[grant.case_id]),
        channels=("in_app", "email"),
    )
