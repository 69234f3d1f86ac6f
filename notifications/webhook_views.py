"""The pages on which an agency's administrator manages its partner systems' webhook endpoints.
The access layer decides (notifications.webhook_admin asks it); these views parse, call and
render. A secret is shown once: on the response to the POST that made it, never stored for
a later page, and that response is not cached."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.rules import Action
from access.web import requires
from cases.views._helpers import apply_errors

from . import webhook_admin
from .events import event_label
from .forms import WebhookEndpointForm

PAGE_SIZE = 25


def _with_labels(endpoint):
    endpoint.event_labels = [event_label(event) for event in endpoint.events]
    return endpoint


@requires(Action.WEBHOOKS_MANAGE)
def webhooks(request):
    groups = webhook_admin.endpoints_by_agency(user=request.user)
    for group in groups:
        for endpoint in group.endpoints:
            _with_labels(endpoint)
    return render(request, "notifications/webhooks.html", {"groups": groups})


@requires(Action.WEBHOOKS_MANAGE)
@never_cache
def webhook_create(request):
    agencies = webhook_admin.manageable_agencies(user=request.user)
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if form.is_bound and form.is_valid():
        try:
            endpoint, secret = webhook_admin.webhook_endpoint_register(actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _secret_page(request, endpoint, secret, created=True)
    return render(request, "notifications/webhook_form.html", {"form": form}, status=400 if form.errors else 200)


def _secret_page(request, endpoint, secret: str, *, created: bool):
    response = render(
        request,
        "notifications/webhook_secret.html",
        {
            "endpoint": _with_labels(endpoint),
            "secret": secret,
            "created": created,
            "overlap_hours": getattr(settings, "WEBHOOK_SECRET_OVERLAP_HOURS", 24),
        },
    )
    add_never_cache_headers(response)
    return response


@login_required
def webhook_detail(request, endpoint_id: int):
    endpoint = webhook_admin.endpoint_for(user=request.user, endpoint_id=endpoint_id)
    page = Paginator(webhook_admin.deliveries_of(endpoint=endpoint), PAGE_SIZE).get_page(request.GET.get("seite"))
    for row in page.object_list:
        row.event_label = event_label(row.kind)
    overlap = endpoint.previous_secret_until if endpoint.previous_secret else None
    return render(
        request,
        "notifications/webhook_detail.html",
        {
            "endpoint": _with_labels(endpoint),
            "page": page,
            "overlap_until": overlap if overlap and overlap > timezone.now() else None,
            "overlap_hours": getattr(settings, "WEBHOOK_SECRET_OVERLAP_HOURS", 24),
        },
    )


@login_required
@require_POST
def webhook_rotate(request, endpoint_id: int):
    endpoint = webhook_admin.endpoint_for(user=request.user, endpoint_id=endpoint_id)
    secret = webhook_admin.webhook_secret_rotate(actor=request.user, endpoint=endpoint)
    return _secret_page(request, endpoint, secret, created=False)


def _act(request, endpoint, call, success: str):
    """Run a service; its refusal of the input becomes a message on the endpoint's page."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("notifications:webhook_detail", endpoint.pk)


@login_required
@require_POST
def webhook_set_active(request, endpoint_id: int):
    endpoint = webhook_admin.endpoint_for(user=request.user, endpoint_id=endpoint_id)
    wanted = request.POST.get("active")
    if wanted not in ("0", "1"):
        messages.error(request, _("Please use the buttons on this page."))
        return redirect("notifications:webhook_detail", endpoint.pk)
    active = wanted == "1"
    return _act(
        request,
        endpoint,
        lambda: webhook_admin.webhook_endpoint_set_active(actor=request.user, endpoint=endpoint, active=active),
        _("The endpoint is switched on.") if active else _("The endpoint is switched off. Nothing is sent to it."),
    )


@login_required
@require_POST
def webhook_test(request, endpoint_id: int):
    endpoint = webhook_admin.endpoint_for(user=request.user, endpoint_id=endpoint_id)
    return _act(
        request,
        endpoint,
        lambda: webhook_admin.webhook_test_send(actor=request.user, endpoint=endpoint),
        _("A test event is on its way. Its delivery appears in the log below."),
    )


@login_required
@require_POST
def webhook_resend(request, endpoint_id: int, notification_id: int):
    endpoint = webhook_admin.endpoint_for(user=request.user, endpoint_id=endpoint_id)
    return _act(
        request,
        endpoint,
        lambda: webhook_admin.webhook_delivery_resend(
            actor=request.user, endpoint=endpoint, notification_id=notification_id
        ),
        _("The delivery is queued again."),
    )
