"""Figures for the role-specific panels of the home page (organisational data only)."""

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from notifications.models import Notification


def administration_figures() -> dict:
    by_status = dict(Notification.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "agencies": Agency.objects.filter(is_active=True).count(),
        "active_users": User.objects.filter(is_active=True).count(),
        "pending": by_status.get(Notification.Status.PENDING, 0),
        "dead": by_status.get(Notification.Status.DEAD, 0),
    }


def login_security_figures(*, since: datetime) -> dict:
    """Failed logins and current lockouts: what an auditor checks first each morning."""
    cooloff_start = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = (
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cooloff_start
        )
        .order_by("-attempt_time")
        .values("username", "attempt_time", "failures_since_start")[:20]
    )
    failures = AccessFailureLog.objects.filter(attempt_time__gte=since)
    return {
        "failed_logins": failures.count(),
        "failed_usernames": failures.values("username").distinct().count(),
        "locked": list(locked),
    }
