"""Reminders and expiry of unanswered referrals (Celery beat, referrals.tasks).

A sent referral nobody answered reminds the receiving agency's staff after
REFERRAL_REMIND_AFTER_WORKING_DAYS working days, and the referring worker after as many again;
past its deadline it expires and whatever it opened is closed. Each referral is handled in its
own transaction with the row locked (skip_locked), so two sweeps never remind twice."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Referral, Status
from ..workdays import working_days_between
from . import notices
from .lifecycle import referral_expire

BATCH = 500


def _remind(referral: Referral, today) -> str | None:
    waited = working_days_between(timezone.localtime(referral.sent_at).date(), today)
    after = settings.REFERRAL_REMIND_AFTER_WORKING_DAYS
    if referral.receiver_reminded_at is None and waited >= after and not referral.is_external:
        referral.receiver_reminded_at = timezone.now()
        referral.save(update_fields=["receiver_reminded_at"])
        notices.reminder_sent(referral, to_receiver=True)
        return "receiver"
    if referral.referrer_reminded_at is None and waited >= 2 * after:
        referral.referrer_reminded_at = timezone.now()
        referral.save(update_fields=["referrer_reminded_at"])
        notices.reminder_sent(referral, to_receiver=False)
        return "referrer"
    return None


def remind_and_expire(*, today=None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {"expired": 0, "receiver": 0, "referrer": 0}
    # N working days take at least N calendar days: only those can be due.
    after = timedelta(days=settings.REFERRAL_REMIND_AFTER_WORKING_DAYS)
    now = timezone.now()
    due = (
        Q(respond_by__lt=today)
        | Q(receiver_reminded_at__isnull=True, receiving_agency__isnull=False, sent_at__lte=now - after)
        | Q(referrer_reminded_at__isnull=True, sent_at__lte=now - 2 * after)
    )
    ids = list(
        Referral.objects.filter(due, status=Status.SENT)
        .order_by("respond_by", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for pk in ids:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "offer__provider", "receiving_agency", "referring_agency", "created_by")
                .filter(pk=pk, status=Status.SENT)
                .first()
            )
            if referral is None:
                continue
            if referral.respond_by < today:
                referral_expire(referral)
                counts["expired"] += 1
            elif outcome := _remind(referral, today):
                counts[outcome] += 1
    return counts
