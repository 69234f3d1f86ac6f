"""Reads of the outbox: a person's inbox, and the dead letters for administrators."""

from django.db.models import QuerySet

from access.decide import require_in
from access.rules import Action

from .models import Notification, PartnerEvent


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


def partner_events_of(*, user, agency_id: int) -> QuerySet[PartnerEvent]:
    """The agency's events for its partner systems (the API's feed): for those who follow the
    agency's referrals there (the events are referral events; ids and states only). The rows
    handed out are logged: they name referrals."""
    require_in(user, Action.REFERRAL_OUTGOING, agency_id)
    return PartnerEvent.objects.filter(agency_id=agency_id).reported_to(user, object_type="event", agency_id=agency_id)
