"""Registering partner clients and issuing, rotating and revoking their keys. Every step asks
the rule table (API_CLIENTS_MANAGE in the client's agency) and is logged. A client's roles are
asked for like a person's (agencies.services.membership_request) and wait for a second person's
confirmation: an administrator alone cannot give a key the right to read cases."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.decide import require_in
from access.rules import Action
from accounts.models import User
from agencies.models import Agency
from agencies.roles import Role
from agencies.services import membership_add, membership_request

from . import keys
from .models import ApiClient, ApiKey
from .networks import parse_networks

# Roles a client may be given: those that work through the API's resources. Auditors and
# administrators read no case content and keep the system: never a key.
CLIENT_ROLES = (Role.PARTNER_STAFF, Role.SOCIAL_WORKER, Role.CLERK, Role.DIRECTORY_EDITOR, Role.SERVICE_ACCOUNT)
MAX_OVERLAP = timedelta(days=30)


def _report(actor, client: ApiClient, purpose: str, action: str = "change") -> None:
    events.report(
        actor=actor,
        action=action,
        object_type="api_client",
        object_ids=[client.pk],
        purpose=purpose,
        agency_id=client.agency_id,
    )


def _validate(*, agency: Agency, name: str, roles, allowed_networks: str, client: ApiClient | None = None) -> str:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Please enter a name.")
    elif ApiClient.objects.filter(agency=agency, name=name).exclude(pk=getattr(client, "pk", None)).exists():
        errors["name"] = _("This agency already has a client of this name.")
    if roles is not None and (not roles or any(r not in CLIENT_ROLES for r in roles)):
        errors["roles"] = _("Please choose at least one role a client may hold.")
    try:
        parse_networks(allowed_networks)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return name


def _account(agency: Agency, name: str) -> User:
    account = User(username=f"api-{agency.pk}-{uuid.uuid4().hex[:10]}", first_name=name[:150], last_name="(API)")
    account.set_unusable_password()
    account.save()
    return account


@transaction.atomic
def client_register(*, actor, agency: Agency, name: str, roles, allowed_networks: str = "") -> ApiClient:
    """A new client of `agency`; its roles wait for confirmation by a second person."""
    require_in(actor, Action.API_CLIENTS_MANAGE, agency)
    roles = list(dict.fromkeys(roles or []))
    name = _validate(agency=agency, name=name, roles=roles, allowed_networks=allowed_networks)
    client = ApiClient.objects.create(
        agency=agency,
        account=_account(agency, name),
        name=name,
        allowed_networks=allowed_networks.strip(),
        created_by=actor,
    )
    for role in roles:
        membership_request(actor=actor, user=client.account, agency=agency, role=role)
    _report(actor, client, f"registered with roles {', '.join(roles)}", action="create")
    return client


@transaction.atomic
def client_bootstrap(*, agency: Agency, name: str, roles, created_by) -> ApiClient:
    """A client with active roles and no second person: for the demo data and tests only (like
    agencies.services.membership_add, no page reaches it)."""
    client = ApiClient.objects.create(agency=agency, account=_account(agency, name), name=name, created_by=created_by)
    for role in roles:
        membership_add(user=client.account, agency=agency, role=role)
    return client


def key_bootstrap(*, client: ApiClient, created_by, whole_key: str | None = None) -> tuple[ApiKey, str]:
    """A key without the rule check, for the demo data and tests only. `whole_key` (demo): a
    fixed, published key, so the README's walk-through can name it."""
    if whole_key is None:
        whole_key, prefix, digest = keys.new_key()
    else:
        parsed = keys.parse(whole_key)
        prefix, digest = parsed.prefix, keys.digest_of(parsed.secret)
    key, _created = ApiKey.objects.get_or_create(
        prefix=prefix, defaults={"client": client, "digest": digest, "created_by": created_by}
    )
    return key, whole_key


@transaction.atomic
def client_update(*, actor, client: ApiClient, name: str, allowed_networks: str) -> ApiClient:
    require_in(actor, Action.API_CLIENTS_MANAGE, client.agency_id)
    if not client.is_active:
        raise ValidationError(_("This client has been deactivated."))
    client.name = _validate(
        agency=client.agency, name=name, roles=None, allowed_networks=allowed_networks, client=client
    )
    client.allowed_networks = allowed_networks.strip()
    client.save(update_fields=["name", "allowed_networks"])
    _report(actor, client, "changed name or allowed addresses")
    return client


@transaction.atomic
def client_deactivate(*, actor, client: ApiClient) -> ApiClient:
    """The client and its account stop at once; every key is revoked."""
    require_in(actor, Action.API_CLIENTS_MANAGE, client.agency_id)
    now = timezone.now()
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        return client  # already stopped: nothing changes, nothing is logged again
    client.is_active, client.deactivated_at = False, now
    client.save(update_fields=["is_active", "deactivated_at"])
    User.objects.filter(pk=client.account_id).update(is_active=False)
    ApiKey.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
    _report(actor, client, "deactivated")
    return client


def _issue(client: ApiClient, actor, expires_at) -> tuple[ApiKey, str]:
    if not client.is_active:
        raise ValidationError(_("This client has been deactivated."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must lie in the future.")})
    whole, prefix, digest = keys.new_key()
    return ApiKey.objects.create(
        client=client, prefix=prefix, digest=digest, created_by=actor, expires_at=expires_at
    ), whole


@transaction.atomic
def key_issue(*, actor, client: ApiClient, expires_at=None) -> tuple[ApiKey, str]:
    """A new key; the whole key is returned once and never stored."""
    require_in(actor, Action.API_CLIENTS_MANAGE, client.agency_id)
    key, whole = _issue(client, actor, expires_at)
    _report(actor, client, f"key {key.prefix} issued")
    return key, whole


@transaction.atomic
def key_rotate(*, actor, key: ApiKey, overlap: timedelta, expires_at=None) -> tuple[ApiKey, str]:
    """A new key; the old one keeps working for `overlap` (at most 30 days), so the partner can
    switch without an outage."""
    require_in(actor, Action.API_CLIENTS_MANAGE, key.client.agency_id)
    if overlap < timedelta(0) or overlap > MAX_OVERLAP:
        raise ValidationError({"overlap": _("The overlap lies between 0 hours and 30 days.")})
    old = ApiKey.objects.select_for_update().get(pk=key.pk)
    if not old.usable_at(timezone.now()):
        raise ValidationError(_("This key is no longer valid; issue a new one instead."))
    new, whole = _issue(old.client, actor, expires_at)
    end = timezone.now() + overlap
    old.expires_at = min(old.expires_at, end) if old.expires_at else end
    old.save(update_fields=["expires_at"])
    _report(
        actor, old.client, f"key {old.prefix} rotated to {new.prefix}, old valid until {old.expires_at:%Y-%m-%d %H:%M}"
    )
    return new, whole


@transaction.atomic
def key_revoke(*, actor, key: ApiKey) -> ApiKey:
    require_in(actor, Action.API_CLIENTS_MANAGE, key.client.agency_id)
    updated = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated:
        _report(actor, key.client, f"key {key.prefix} revoked")
    return ApiKey.objects.get(pk=key.pk)


def record_use(key: ApiKey, address: str | None) -> None:
    """Last use and address, one UPDATE per request (no read-modify-write). Its commit does not
    wait for the disk: a crash may lose the last second of "last used", never a change of data."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now(), last_used_address=address or None)
