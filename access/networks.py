"""Which side of a network (Netzwerk) a person is on: the rule for a network and its meetings
lives here once (views and services ask it). A network holds no case data, so nothing here
touches a case.

- The convener: members of the convening agency with NETWORK_MANAGE there — they change the
  network, plan and cancel meetings, write the minutes and record actions.
- A participant: members of a participating agency (or of the convening agency) with
  NETWORK_VIEW there — they read the network, its meetings, minutes and actions, and mark the
  actions they are responsible for as done. An agency removed from the network is no longer a
  participant.

Everybody else: refused, logged, and answered like a network that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from . import events
from .decide import right_in
from .errors import NotFound, as_int
from .rules import Action


@dataclass(frozen=True)
class NetworkSide:
    network: object
    manages: bool  # the convening agency's member with NETWORK_MANAGE
    acting_agency_id: int


def side_of(user, network) -> NetworkSide | None:
    """The user's side of the network, or None when it is none of theirs."""
    manage = right_in(user, Action.NETWORK_MANAGE, network.convening_agency_id)
    if manage is not None:
        return NetworkSide(network, True, manage.agency_id)
    view = right_in(user, Action.NETWORK_VIEW, network.convening_agency_id)
    if view is not None:
        return NetworkSide(network, False, view.agency_id)
    for agency in network.agencies.all():
        view = right_in(user, Action.NETWORK_VIEW, agency.pk)
        if view is not None:
            return NetworkSide(network, False, view.agency_id)
    return None


def network_for(user, network_id, queryset) -> NetworkSide:
    """Load a network from `queryset` for `user`; refused or missing look alike (logged, 404)."""
    pk = as_int(network_id, object_type="network")
    network = queryset.filter(pk=pk).first()
    side = side_of(user, network) if network is not None else None
    if side is None:
        events.denied(actor=user, object_type="network", object_id=pk)
        raise NotFound("network", pk)
    return side


def require_manage(side: NetworkSide, user, object_type: str = "network", object_id=None) -> None:
    """Only the convening agency's keepers change a network or its meetings; others get a 404."""
    if not side.manages:
        object_id = object_id if object_id is not None else side.network.pk
        events.denied(actor=user, object_type=object_type, object_id=object_id, action="change")
        raise NotFound(object_type, object_id, "change")


def may_mark_done(side: NetworkSide, user, action) -> bool:
    """An agreed action is marked done (or open again) by the member responsible or the convener."""
    return side.manages or action.assignee_id == user.pk


def require_action_done(side: NetworkSide, user, action) -> None:
    """may_mark_done, else — and for an action of another network — the same logged 404."""
    if action is None or not may_mark_done(side, user, action):
        object_id = getattr(action, "pk", None)
        events.denied(actor=user, object_type="network_action", object_id=object_id, action="change")
        raise NotFound("network_action", object_id, "change")
