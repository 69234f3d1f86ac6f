"""Reads of the outbox: a person's inbox, and the dead letters for administrators."""

from django.db.models import QuerySet

from .models import Notification


def inbox_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, status=Notification.Status.DELIVERED
    ).order_by("-delivered_at", "-pk")


def unread_count(*, user) -> int:
    return inbox_for(user=user).filter(read_at__isnull=True).count()


def dead_letters() -> QuerySet[Notification]:
    return (
        Notification.objects.filter(status=Notification.Status.DEAD)
        .select_related("recipient", "endpoint")
        .order_by("-created_at", "-pk")
    )
