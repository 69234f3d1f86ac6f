"""Setting a network up and changing it: its name, rhythm, participating agencies and whether
it is active. Only members of the convening agency with NETWORK_MANAGE there (access.networks)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access.decide import agency_for, refuse
from access.networks import NetworkSide, require_manage
from access.rules import Action

from ..models import Network

NAME_MAX = 200
RHYTHM_MAX = 200


def _network_errors(*, convening_id: int, name, agencies, rhythm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Please give the network a name.")
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = _("Please keep the name to at most %(n)d characters.") % {"n": NAME_MAX}
    if len((rhythm or "").strip()) > RHYTHM_MAX:
        errors["rhythm"] = _("Please keep the rhythm to at most %(n)d characters.") % {"n": RHYTHM_MAX}
    others = [a for a in agencies if a.pk != convening_id]
    if not others:
        errors["agencies"] = _("Please choose at least one other agency that takes part.")
    elif any(not a.is_active for a in others):
        errors["agencies"] = _("An agency that is no longer active cannot take part.")
    return errors


@transaction.atomic
def network_create(*, actor, name: str, agencies, rhythm: str = "") -> Network:
    """A new network convened by the actor's agency in which they keep networks."""
    convening = agency_for(actor, Action.NETWORK_MANAGE)
    if convening is None:
        refuse(actor, Action.NETWORK_MANAGE)
    agencies = list(agencies or ())
    errors = _network_errors(convening_id=convening.pk, name=name, agencies=agencies, rhythm=rhythm)
    if errors:
        raise ValidationError(errors)
    network = Network.objects.create(
        name=name.strip(), convening_agency=convening, rhythm=(rhythm or "").strip(), created_by=actor
    )
    network.agencies.set([a for a in agencies if a.pk != convening.pk])
    return network


def _locked_network(side: NetworkSide, actor, version) -> Network:
    require_manage(side, actor)
    network = Network.objects.select_for_update().get(pk=side.network.pk)
    if version is None or version != network.version:
        raise ValidationError({"__all__": _("This page is out of date. Please reload it and try again.")})
    return network


@transaction.atomic
def network_change(
    *, actor, side: NetworkSide, version, name: str, agencies, rhythm: str = "", is_active: bool = True
) -> Network:
    """Change the network; an agency taken off the list loses the network's pages at once."""
    network = _locked_network(side, actor, version)
    agencies = list(agencies or ())
    errors = _network_errors(convening_id=network.convening_agency_id, name=name, agencies=agencies, rhythm=rhythm)
    if errors:
        raise ValidationError(errors)
    network.name, network.rhythm, network.is_active = name.strip(), (rhythm or "").strip(), bool(is_active)
    network.version += 1
    network.save(update_fields=["name", "rhythm", "is_active", "version"])
    network.agencies.set([a for a in agencies if a.pk != network.convening_agency_id])
    return network
