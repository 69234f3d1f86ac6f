"""Reminders of network meetings (Celery beat, networks.tasks): the member responsible for an
agreed action once it is overdue — the network's name and a link, nothing of the action. Each
row is handled in its own transaction, locked with skip_locked and marked, so two sweeps never
remind twice."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from notifications.models import Notification
from notifications.services import notify

from ..models import Meeting, MeetingAction

BATCH = 500
CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


def _remind_overdue(action: MeetingAction) -> None:
    if not action.assignee.is_active:
        return
    notify(
        recipients=[action.assignee],
        kind="networks.action_overdue",
        subject=gettext_lazy("An agreed action of the network %(network)s is overdue"),
        params={"network": action.meeting.network.name},
        link=action.meeting.get_absolute_url(),
        channels=CHANNELS,
    )


def remind(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    overdue = (
        MeetingAction.objects.filter(
            done_at__isnull=True, overdue_reminded_at__isnull=True, due_on__lt=timezone.localdate(now)
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .order_by("due_on", "pk")
    )
    sent = 0
    for pk in list(overdue.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            action = (
                overdue.select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee", "meeting__network")
                .filter(pk=pk)
                .first()
            )
            if action is None:  # another sweep holds it, or it was done or reminded meanwhile
                continue
            action.overdue_reminded_at = now
            action.save(update_fields=["overdue_reminded_at"])
            _remind_overdue(action)
            sent += 1
    return {"overdue_actions": sent}
