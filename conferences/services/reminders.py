"""Reminders of case conferences (Celery beat, conferences.tasks): the invited agencies'
members and the chair CONFERENCE_REMIND_HOURS_BEFORE hours before a planned conference; the
member responsible for an agreed action and the chair once it is overdue (its task not done).
Each row is handled in its own transaction, locked with skip_locked and marked, so two sweeps
never remind twice."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agencies.selectors import members_with_perm_in
from notifications.models import Notification
from notifications.services import notify
from notlagen.dates import format_when

from ..models import Conference, ConferenceAction
from .convene import ATTEND_PERM

BATCH = 500
CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


def _remind_conference(conference: Conference) -> None:
    recipients = {conference.chair_id: conference.chair} if conference.chair_id else {}
    for participant in conference.participants.filter(withdrawn_at=None):
        for user in members_with_perm_in(agency_id=participant.agency_id, perm=ATTEND_PERM):
            recipients[user.pk] = user
    notify(
        recipients=recipients.values(),
        kind="conferences.reminder",
        subject=gettext_lazy("Reminder: case conference on case %(reference)s on %(date)s"),
        params={"reference": conference.case.reference, "date": format_when(conference.starts_at, "datetime")},
        reference=conference.case.reference,
        link=reverse("conferences:detail", args=[conference.pk]),
        channels=CHANNELS,
    )


def _remind_overdue(action: ConferenceAction) -> None:
    """The action's owner (the member responsible) and the chair, who follows the actions up."""
    conference = action.conference
    chair = conference.chair or conference.created_by
    recipients = {user.pk: user for user in (action.assignee, chair) if user.is_active}
    notify(
        recipients=recipients.values(),
        kind="conferences.action_overdue",
        subject=gettext_lazy("An agreed action of the case conference on case %(reference)s is overdue"),
        params={"reference": conference.case.reference},
        reference=conference.case.reference,
        link=reverse("conferences:detail", args=[conference.pk]),
        channels=CHANNELS,
    )


def _each(queryset, ids, mark, send) -> int:
    sent = 0
    for pk in ids[:BATCH]:
        with transaction.atomic():
            row = queryset.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
            if row is None:
                continue
            setattr(row, mark, timezone.now())
            row.save(update_fields=[mark])
            send(row)
            sent += 1
    return sent


def remind(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    soon = Conference.objects.filter(
        status=Conference.Status.PLANNED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=settings.CONFERENCE_REMIND_HOURS_BEFORE),
    ).select_related("case", "chair")
    overdue = (
        ConferenceAction.objects.filter(
            status=ConferenceAction.Status.OPEN,
            overdue_reminded_at__isnull=True,
            due_on__lt=timezone.localdate(now),
            task__done_at__isnull=True,
        )
        .exclude(conference__status=Conference.Status.CANCELLED)
        .select_related("assignee", "conference__case", "conference__chair", "conference__created_by")
    )
    return {
        "conferences": _each(soon, list(soon.values_list("pk", flat=True)), "reminded_at", _remind_conference),
        "overdue_actions": _each(
            overdue, list(overdue.values_list("pk", flat=True)), "overdue_reminded_at", _remind_overdue
        ),
    }
