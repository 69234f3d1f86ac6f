"""Reads of the pages on which an agency's administrator manages its partner clients and keys.
Which clients a user sees is the access layer's answer (API_CLIENTS_MANAGE in the client's
own agency, access.decide.right_in), asked here and nowhere in a view: an administrator of one
agency never sees another's clients, and a refused client looks exactly like a missing one
(NotFound, logged as denied). Clients and keys are no personal data; reading them is still
logged, like every list of the product."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from access import events
from access.decide import refuse, require_in, right_in
from access.errors import as_int
from access.rules import Action
from agencies.models import Agency, Membership
from agencies.selectors import agencies_of

from .models import ApiClient, ApiKey

MANAGE = Action.API_CLIENTS_MANAGE
OBJECT_TYPE = "api_client"


@dataclass(frozen=True)
class AgencyClients:
    agency: Agency
    clients: list[ApiClient]


def manageable_agencies(*, user) -> list[Agency]:
    """The user's agencies in which the access layer allows managing API clients."""
    return [agency for agency in agencies_of(user) if right_in(user, MANAGE, agency) is not None]


def _roles_prefetch() -> Prefetch:
    # On client.account.client_roles: the roles of the client's account (in its own agency only,
    # api.services), each with its state: awaiting a second person's confirmation, or in effect.
    return Prefetch("account__memberships", queryset=Membership.objects.order_by("role"), to_attr="client_roles")


def clients_by_agency(*, user) -> list[AgencyClients]:
    """The clients of every agency where the user manages them, grouped by agency, each with
    its roles, its usable keys' count and its last use (three queries for any number)."""
    agencies = manageable_agencies(user=user)
    now = timezone.now()
    usable = Q(keys__revoked_at__isnull=True) & (Q(keys__expires_at__isnull=True) | Q(keys__expires_at__gt=now))
    clients = (
        ApiClient.objects.filter(agency__in=agencies)
        .select_related("account")
        .prefetch_related(_roles_prefetch())
        .annotate(usable_keys=Count("keys", filter=usable), last_used_at=Max("keys__last_used_at"))
        .order_by("name", "pk")
    )
    grouped: dict[int, list[ApiClient]] = {agency.pk: [] for agency in agencies}
    for client in clients:
        grouped[client.agency_id].append(client)
    for agency in agencies:
        if grouped[agency.pk]:
            events.report(
                actor=user,
                action="list",
                object_type=OBJECT_TYPE,
                object_ids=[client.pk for client in grouped[agency.pk]],
                agency_id=agency.pk,
            )
    return [AgencyClients(agency, grouped[agency.pk]) for agency in agencies]


def client_for(*, user, client_id, report: bool = True) -> ApiClient:
    """The client with its roles, if the user manages clients in its agency; else NotFound
    (logged). Its reading is logged as a view (`report`; a write logs itself instead)."""
    client = (
        ApiClient.objects.select_related("agency", "account")
        .prefetch_related(_roles_prefetch())
        .filter(pk=as_int(client_id, object_type=OBJECT_TYPE))
        .first()
    )
    if client is None:
        refuse(user, MANAGE)
    require_in(user, MANAGE, client.agency_id)
    if report:
        events.report(
            actor=user, action="view", object_type=OBJECT_TYPE, object_ids=[client.pk], agency_id=client.agency_id
        )
    return client


def keys_of(*, client: ApiClient) -> QuerySet[ApiKey]:
    """The client's keys, newest first: what the page shows, never the digest."""
    return ApiKey.objects.filter(client=client).defer("digest").order_by("-created_at", "-pk")


def key_of(*, user, client: ApiClient, key_id) -> ApiKey:
    """One key of a client the user manages (client_for); a key of another client is not found."""
    key = (
        ApiKey.objects.select_related("client")
        .filter(pk=as_int(key_id, object_type=OBJECT_TYPE), client=client)
        .first()
    )
    if key is None:
        refuse(user, MANAGE)
    return key


def roles_pending(client: ApiClient) -> bool:
    """Does a role of the client still await a second person's confirmation?"""
    return any(m.status == Membership.Status.PENDING for m in client.account.client_roles)
