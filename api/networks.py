"""A client's address allow-list: one address or network (CIDR) per line."""

from __future__ import annotations

import ipaddress

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks, wrong = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            networks.append(ipaddress.ip_network(line, strict=False))
        except ValueError:
            wrong.append(line)
    if wrong:
        raise ValidationError(
            {"allowed_networks": _("Not an address or network: %(lines)s") % {"lines": ", ".join(wrong[:5])}}
        )
    return networks


def address_allowed(text: str, address: str | None) -> bool:
    """Empty list: every address. Otherwise the address must lie in one of the networks."""
    networks = parse_networks(text)
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)
