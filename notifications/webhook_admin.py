"""An agency's administrator manages its partner systems' webhook endpoints: register one, rotate
its secret, switch it off and on, send a test event, send a dead letter again; and reads the
delivery log. Every function asks the access layer for WEBHOOKS_MANAGE in the endpoint's own
agency, so an administrator of one agency never sees or changes another's endpoints; a refusal
and a missing endpoint look alike (NotFound, logged). Endpoints carry no personal data; the
writes are still logged with their actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events as access_events
from access.decide import refuse, require_in, right_in
from access.rules import Action
from agencies.selectors import agencies_of

from .events import TEST_EVENT, WEBHOOK_EVENTS
from .models import Notification, WebhookEndpoint
from .services import notification_retry, notify_endpoint, webhook_endpoint_create
from .webhooks import check_url, new_secret

MANAGE = Action.WEBHOOKS_MANAGE
Status = Notification.Status


@dataclass(frozen=True)
class AgencyEndpoints:
    agency: object
    endpoints: list[WebhookEndpoint]


def manageable_agencies(*, user) -> list:
    """The user's agencies in which the access layer allows managing webhooks."""
    return [agency for agency in agencies_of(user) if right_in(user, MANAGE, agency) is not None]


def endpoints_by_agency(*, user) -> list[AgencyEndpoints]:
    """The endpoints of every agency where the user manages webhooks, grouped by agency, each
    with its delivery counts (one query for all endpoints)."""
    agencies = manageable_agencies(user=user)
    endpoints = (
        WebhookEndpoint.objects.filter(agency__in=agencies)
        .annotate(
            dead_count=Count("notifications", filter=Q(notifications__status=Status.DEAD)),
            waiting_count=Count("notifications", filter=Q(notifications__status__in=[Status.PENDING, Status.SENDING])),
            last_delivered_at=Max("notifications__delivered_at"),
        )
        .order_by("url", "pk")
    )
    grouped: dict[int, list[WebhookEndpoint]] = {agency.pk: [] for agency in agencies}
    for endpoint in endpoints:
        grouped[endpoint.agency_id].append(endpoint)
    return [AgencyEndpoints(agency, grouped[agency.pk]) for agency in agencies]


def endpoint_for(*, user, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint, if the user manages webhooks in its agency; else NotFound (logged)."""
    endpoint = WebhookEndpoint.objects.select_related("agency").filter(pk=endpoint_id).first()
    if endpoint is None:
        refuse(user, MANAGE)
    require_in(user, MANAGE, endpoint.agency_id)
    return endpoint


def deliveries_of(*, endpoint: WebhookEndpoint) -> QuerySet[Notification]:
    """The endpoint's delivery log, newest first. Only what the log shows: no payload."""
    return (
        Notification.objects.filter(endpoint=endpoint)
        .only(
            "pk",
            "endpoint_id",
            "kind",
            "idempotency_key",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "delivered_at",
        )
        .order_by("-created_at", "-pk")
    )


def _report(actor, endpoint: WebhookEndpoint, action: str, purpose: str) -> None:
    access_events.report(
        actor=actor,
        action=action,
        object_type="webhook",
        object_ids=[endpoint.pk],
        purpose=purpose,
        agency_id=endpoint.agency_id,
    )


def _locked(actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    require_in(actor, MANAGE, endpoint.agency_id)
    return WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)


@transaction.atomic
def webhook_endpoint_register(*, actor, agency, url: str, events=()) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint of the agency; returns it with its secret (shown once)."""
    require_in(actor, MANAGE, agency)
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown:
        raise ValidationError({"events": _("Please choose events from the list.")})
    endpoint, secret = webhook_endpoint_create(
        agency=agency, url=(url or "").strip(), events=[e for e in WEBHOOK_EVENTS if e in events]
    )
    _report(actor, endpoint, "create", "webhook endpoint registered")
    return endpoint, secret


@transaction.atomic
def webhook_secret_rotate(*, actor, endpoint: WebhookEndpoint) -> str:
    """A new secret (returned, shown once). The old one keeps signing beside it for
    WEBHOOK_SECRET_OVERLAP_HOURS, so the partner can switch without losing an event. A second
    rotation within the overlap ends the overlap of the first."""
    locked = _locked(actor, endpoint)
    hours = getattr(settings, "WEBHOOK_SECRET_OVERLAP_HOURS", 24)
    secret = new_secret()
    locked.previous_secret, locked.secret = locked.secret, secret
    locked.previous_secret_until = timezone.now() + timedelta(hours=hours)
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    for field in ("secret", "previous_secret", "previous_secret_until"):
        setattr(endpoint, field, getattr(locked, field))
    _report(actor, locked, "change", "webhook secret rotated")
    return secret


@transaction.atomic
def webhook_endpoint_set_active(*, actor, endpoint: WebhookEndpoint, active: bool) -> bool:
    """Switch the endpoint off or on (its address is checked again on). True if it changed."""
    locked = _locked(actor, endpoint)
    if locked.is_active == active:
        return False
    if active:
        check_url(locked.url)
    locked.is_active = endpoint.is_active = active
    locked.save(update_fields=["is_active"])
    _report(actor, locked, "change", "webhook endpoint activated" if active else "webhook endpoint deactivated")
    return True


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise ValidationError(_("The endpoint is switched off. Switch it on first."))


@transaction.atomic
def webhook_test_send(*, actor, endpoint: WebhookEndpoint) -> Notification:
    """A "webhook.test" event to the endpoint, through the outbox like every other."""
    locked = _locked(actor, endpoint)
    _require_active(locked)
    row = notify_endpoint(endpoint=locked, event=TEST_EVENT, data={"endpoint_id": locked.pk})
    _report(actor, locked, "create", "webhook test event sent")
    return row


@transaction.atomic
def webhook_delivery_resend(*, actor, endpoint: WebhookEndpoint, notification_id: int) -> None:
    """Send a dead letter of this endpoint again, with fresh attempts. A row of another
    endpoint is not found."""
    locked = _locked(actor, endpoint)
    row = Notification.objects.select_for_update().filter(pk=notification_id, endpoint=locked).first()
    if row is None:
        refuse(actor, MANAGE)
    _require_active(locked)
    if row.status != Status.DEAD or not notification_retry(notification_id=row.pk):
        raise ValidationError(_("This delivery is not a dead letter; it needs no new attempt."))
    _report(actor, locked, "change", f"webhook delivery {row.pk} queued again")
