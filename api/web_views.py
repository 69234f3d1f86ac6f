"""The pages on which an agency's administrator manages its partner clients and their keys.
The access layer decides (api.selectors and api.services ask it); these views parse, call and
render. A whole key is shown once: on the response to the POST that made it, never stored for
a later page (not in a message, not in the session), and that response is not cached."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.rules import Action
from access.web import requires
from cases.views._helpers import apply_errors

from . import selectors, services
from .forms import ClientEditForm, ClientForm, DeactivateForm, KeyIssueForm, KeyRotateForm

MANAGE = Action.API_CLIENTS_MANAGE


@requires(MANAGE)
def clients(request):
    groups = selectors.clients_by_agency(user=request.user)
    return render(request, "api/clients.html", {"groups": groups})


@requires(MANAGE)
def client_create(request):
    agencies = selectors.manageable_agencies(user=request.user)
    form = ClientForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if form.is_bound and form.is_valid():
        try:
            client = services.client_register(actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The client is registered. Its roles await confirmation by a second person (“Roles to confirm”)."),
            )
            return redirect("api_clients:detail", client.pk)
    return render(request, "api/client_form.html", {"form": form}, status=400 if form.errors else 200)


def _rotate_form(key, data=None) -> KeyRotateForm:
    # One form per key on the page; ids of its own, the field's name the same for every key.
    return KeyRotateForm(data, auto_id=f"key-{key.pk}-%s")


def _detail_page(request, client, *, issue_form=None, rotate=None, deactivate_form=None, status: int = 200):
    """The client's page; a refused form of it (issue, rotate, deactivate) shown with its errors."""
    now = timezone.now()
    keys = list(selectors.keys_of(client=client))
    for key in keys:
        key.usable = key.usable_at(now)
        key.rotate_form = rotate[1] if rotate and rotate[0] == key.pk else _rotate_form(key)
    context = {
        "client": client,
        "networks": [line.strip() for line in client.allowed_networks.splitlines() if line.strip()],
        "roles_pending": selectors.roles_pending(client),
        "keys": keys,
        "issue_form": issue_form or KeyIssueForm(auto_id="issue-%s"),
        "deactivate_form": deactivate_form or DeactivateForm(auto_id="deactivate-%s"),
    }
    return render(request, "api/client_detail.html", context, status=status)


@requires(MANAGE)
def client_detail(request, client_id: int):
    client = selectors.client_for(user=request.user, client_id=client_id)
    return _detail_page(request, client)


@requires(MANAGE)
def client_edit(request, client_id: int):
    client = selectors.client_for(user=request.user, client_id=client_id, report=request.method != "POST")
    initial = {"name": client.name, "allowed_networks": client.allowed_networks}
    form = ClientEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.client_update(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("api_clients:detail", client.pk)
    return render(request, "api/client_edit.html", {"form": form, "client": client}, status=400 if form.errors else 200)


def _key_page(request, client, key, whole_key: str, *, old_key=None):
    """The whole key, this once. Never cached; the key lives only in this response."""
    if old_key is not None:
        old_key.refresh_from_db(fields=["expires_at", "revoked_at"])  # as the rotation left it
    response = render(
        request,
        "api/key_shown.html",
        {
            "client": client,
            "key": key,
            "whole_key": whole_key,
            "old_key": old_key,
            "old_key_still_works": old_key is not None and old_key.usable_at(timezone.now()),
            # The command a partner's developer tries first (README, "Connect a partner system").
            "curl_example": f'curl -H "Authorization: Api-Key {whole_key}" {settings.SITE_URL}{reverse("api:cases")}',
        },
    )
    add_never_cache_headers(response)
    return response


@requires(MANAGE)
@require_POST
@never_cache
def key_issue(request, client_id: int):
    client = selectors.client_for(user=request.user, client_id=client_id, report=False)
    form = KeyIssueForm(request.POST, auto_id="issue-%s")
    if form.is_valid():
        try:
            key, whole = services.key_issue(actor=request.user, client=client, expires_at=form.expires_at())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _key_page(request, client, key, whole)
    return _detail_page(request, client, issue_form=form, status=400)


@requires(MANAGE)
@require_POST
@never_cache
def key_rotate(request, client_id: int, key_id: int):
    client = selectors.client_for(user=request.user, client_id=client_id, report=False)
    key = selectors.key_of(user=request.user, client=client, key_id=key_id)
    form = _rotate_form(key, request.POST)
    if form.is_valid():
        try:
            new, whole = services.key_rotate(actor=request.user, key=key, overlap=form.overlap())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            key.refresh_from_db()
            return _key_page(request, client, new, whole, old_key=key)
    return _detail_page(request, client, rotate=(key.pk, form), status=400)


@requires(MANAGE)
@require_POST
def key_revoke(request, client_id: int, key_id: int):
    client = selectors.client_for(user=request.user, client_id=client_id, report=False)
    key = selectors.key_of(user=request.user, client=client, key_id=key_id)
    services.key_revoke(actor=request.user, key=key)
    messages.success(
        request, _("The key %(prefix)s is revoked. Requests with it are refused from now on.") % {"prefix": key.prefix}
    )
    return redirect("api_clients:detail", client.pk)


@requires(MANAGE)
@require_POST
def client_deactivate(request, client_id: int):
    client = selectors.client_for(user=request.user, client_id=client_id, report=False)
    if not client.is_active:
        # Deactivating again would only move the date on which it happened.
        messages.info(request, _("The client has been deactivated already."))
        return redirect("api_clients:detail", client.pk)
    form = DeactivateForm(request.POST, auto_id="deactivate-%s")
    if form.is_valid():
        services.client_deactivate(actor=request.user, client=client)
        messages.success(request, _("The client is deactivated. None of its keys works any more."))
        return redirect("api_clients:detail", client.pk)
    return _detail_page(request, client, deactivate_form=form, status=400)
