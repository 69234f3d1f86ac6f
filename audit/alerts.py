"""Alerts to the auditors through the outbox (rules in settings.AUDIT_ALERTS)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify


def auditors():
    return User.objects.filter(memberships__role="auditor", memberships__status="active", is_active=True).distinct()


def alert(kind: str, subject, reference: str = "") -> None:
    if not settings.AUDIT_ALERTS.get(kind.split(".", 1)[1], True):
        return
    notify(
        recipients=list(auditors()),
        kind=kind,
        subject=subject,
        reference=reference,
        link=reverse("audit:reviews"),
        channels=("in_app", "email"),
    )


def outside_office_hours(moment=None) -> bool:
    start, end = settings.AUDIT_OFFICE_HOURS
    local = timezone.localtime(moment or timezone.now())
    return local.weekday() >= 5 or not (start <= local.hour < end)


_alerted: set[tuple[str, str, object]] = set()


def alert_once_today(kind: str, subject, reference: str) -> None:
    """At most one alert of a kind per reference (e.g. an actor) and day. Remembered in the
    process too, so a night shift's every click does not ask the database again."""
    today = timezone.localdate()
    key = (kind, reference, today)
    if key in _alerted:
        return
    if not Notification.objects.filter(kind=kind, reference=reference, created_at__date=today).exists():
        alert(kind, subject, reference)
    if len(_alerted) > 10_000:
        _alerted.clear()
    _alerted.add(key)
