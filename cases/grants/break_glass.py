"""Break-glass: emergency access outside the grants, short, reasoned, reviewed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.decide import require
from access.rules import Action
from agencies.models import Agency
from agencies.selectors import team_leads_of
from notifications.services import notify

from ..access_sync import case_permissions_sync
from ..models import AccessGrant, Case
from ..scopes import Scope
from ._log import report
from .access_grants import grant_event

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
    right = require(actor, Action.BREAK_GLASS, case)
    agency = Agency.objects.get(pk=right.agency_id)
    errors = {}
    running = AccessGrant.objects.in_force().filter(case=case, grantee_agency=agency, is_break_glass=True)
    if running.exists():
        # No renewal: a second emergency access needs the first to end (and be reviewed).
        raise ValidationError({"reason": _("An emergency access of your agency to this record is still running.")})
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
    grant_event(grant, "break_glass", actor)
    notify(
        recipients=team_leads_of(agency=case.owner_agency),
        kind="cases.break_glass",
        subject=gettext_lazy("Emergency access to a case by %(agency)s"),
        params={"agency": agency.short_name or agency.name},
        reference=case.reference,
        link=reverse("cases:grants", args=[case.pk]),
        channels=("in_app", "email"),
    )
    report(
        actor,
        "break_glass",
        case,
        case=case,
        basis="break-glass",
        purpose=grant.purpose,
        agency_id=agency.pk,
    )
    return grant
