"""Reads of network meetings, for the side the access layer decided (access.networks). A
network holds no case data: its reads are not access-logged, its refusals are."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from access import events
from access.decide import right_in
from access.errors import NotFound, as_int
from access.networks import NetworkSide, network_for, side_of
from access.rules import Action
from agencies.models import Agency, Membership
from agencies.roles import roles_with
from agencies.selectors import agencies_of

from .models import Meeting, MeetingAction, Network

VIEW_PERM = "networks.view_network"


def _base() -> QuerySet[Network]:
    return Network.objects.select_related("convening_agency").prefetch_related(
        Prefetch("agencies", queryset=Agency.objects.order_by("name"))
    )


def network_get(*, user, network_id) -> NetworkSide:
    return network_for(user, network_id, _base())


def meeting_get(*, user, meeting_id) -> tuple[NetworkSide, Meeting]:
    """The meeting and the user's side of its network; refused or missing: logged, 404."""
    pk = as_int(meeting_id, object_type="network_meeting")
    meeting = Meeting.objects.select_related("network", "previous").filter(pk=pk).first()
    side = None
    if meeting is not None:
        network = _base().get(pk=meeting.network_id)
        side = side_of(user, network)
    if side is None:
        events.denied(actor=user, object_type="network_meeting", object_id=pk)
        raise NotFound("network_meeting", pk)
    meeting.network = side.network
    return side, meeting


def networks_of(user) -> list[Network]:
    """The networks the user takes part in (through an agency where they have NETWORK_VIEW),
    with their next planned meeting — a fixed number of queries however many there are."""
    agency_ids = [a.pk for a in agencies_of(user) if right_in(user, Action.NETWORK_VIEW, a.pk)]
    if not agency_ids:
        return []
    now = timezone.now()
    upcoming = Meeting.objects.filter(status=Meeting.Status.PLANNED, ends_at__gt=now).order_by("starts_at")
    return list(
        Network.objects.filter(Q(convening_agency_id__in=agency_ids) | Q(agencies__in=agency_ids))
        .distinct()
        .select_related("convening_agency")
        .annotate(agency_count=Count("agencies", distinct=True))
        .prefetch_related(Prefetch("meetings", queryset=upcoming, to_attr="upcoming"))
        .order_by("-is_active", "name")[:200]
    )


def meetings_of(network: Network) -> list[Meeting]:
    return list(network.meetings.annotate(open_actions=Count("actions", filter=Q(actions__done_at__isnull=True))))


def action_agency_ids(network: Network) -> set[int]:
    return {network.convening_agency_id, *network.agencies.values_list("pk", flat=True)}


def action_agencies(network: Network) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=action_agency_ids(network), is_active=True).order_by("name")


def network_members(network: Network, agency_ids=None):
    """Active members of the taking-part agencies (or of some of them) whose role there gives
    the right to take part in networks — one query."""
    ids = action_agency_ids(network) if agency_ids is None else set(agency_ids) & action_agency_ids(network)
    return (
        get_user_model()
        .objects.filter(
            memberships__agency_id__in=ids,
            memberships__agency__is_active=True,
            memberships__role__in=roles_with(VIEW_PERM),
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def actions_of(meeting: Meeting) -> list[MeetingAction]:
    return list(meeting.actions.select_related("agency", "assignee").order_by("due_on", "pk"))


def open_actions_before(meeting: Meeting) -> list[MeetingAction]:
    """Actions of the network's earlier meetings still open: the meeting reviews them."""
    return list(
        MeetingAction.objects.filter(
            meeting__network_id=meeting.network_id, meeting__starts_at__lt=meeting.starts_at, done_at__isnull=True
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("agency", "assignee", "meeting")
        .order_by("due_on", "pk")[:200]
    )


def selectable_agencies() -> QuerySet[Agency]:
    """Agencies a network can invite: active ones (networks carry no case data, so an agency
    that may not receive case data can take part too)."""
    return Agency.objects.filter(is_active=True).order_by("name")


def action_get(*, user, action_id) -> tuple[NetworkSide, MeetingAction]:
    """An agreed action and the user's side of its network; refused or missing: logged, 404."""
    pk = as_int(action_id, object_type="network_action")
    action = MeetingAction.objects.select_related("meeting").filter(pk=pk).first()
    side = side_of(user, _base().get(pk=action.meeting.network_id)) if action is not None else None
    if side is None:
        events.denied(actor=user, object_type="network_action", object_id=pk, action="change")
        raise NotFound("network_action", pk, "change")
    return side, action
