"""Signed webhooks to partner systems (Standard Webhooks: webhook-id, webhook-timestamp,
webhook-signature with HMAC-SHA256). The id is the outbox row's idempotency key, the same on
every attempt, so the receiver can drop a repeat. Payloads carry event types and ids, never
social data. Outbound addresses are checked before every delivery, not only when an endpoint
is registered: a name that resolves to a private address later is refused too."""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from .errors import PermanentDeliveryError

# Codes by which a receiver says "never again", not "later".
_GONE = {400, 401, 403, 404, 410, 413, 422}


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _embeds_a_local_address(ip) -> bool:
    """IPv6 forms that carry an IPv4 address (mapped, 6to4): judged by the address they carry."""
    inner = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    return inner is not None and not inner.is_global


def check_url(url: str) -> None:
    """https only in production, and no loopback, private or link-local addresses unless
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set (a test receiver, an intranet partner)."""
    allowed_schemes = {"https"} if settings.NOTLAGEN_MODE == "production" else {"https", "http"}
    try:
        URLValidator(schemes=sorted(allowed_schemes))(url)
        parts = urlsplit(url)
        port = parts.port
    except (ValidationError, ValueError):  # not a URL, a malformed IPv6 literal, a port out of range
        raise ValidationError({"url": _("Please enter an https:// address of the partner system.")}) from None
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port or 443)}
    except (OSError, UnicodeError):
        raise ValidationError({"url": _("This address cannot be resolved.")}) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        # Only addresses on the public internet: this also refuses the shared address space
        # (100.64.0.0/10, where cloud metadata services live), 6to4 and the documentation ranges.
        if not ip.is_global or ip.is_multicast or _embeds_a_local_address(ip):
            raise ValidationError({"url": _("Addresses inside the local network are not allowed.")})


def message_id(notification) -> str:
    """The webhook-id: the row's idempotency key, the same on every attempt."""
    return notification.webhook_id


def signing_secrets(endpoint, at) -> list[str]:
    """The current secret and, during the overlap after a rotation, the previous one."""
    secrets_now = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > at:
        secrets_now.append(endpoint.previous_secret)
    return secrets_now


def signature(endpoint, msg_id: str, sent_at, body: str) -> str:
    """The webhook-signature header: one "v1,<base64>" per valid secret, space-separated, so
    a receiver that knows either secret verifies (Standard Webhooks allows several)."""
    return " ".join(Webhook(secret).sign(msg_id, sent_at, body) for secret in signing_secrets(endpoint, sent_at))


def signed_request(notification) -> urllib.request.Request:
    """Signed at the moment of sending: a retry carries a fresh timestamp (inside the receiver's
    replay window) and the same webhook-id."""
    endpoint = notification.endpoint
    sent_at = timezone.now()
    body = json.dumps({**notification.payload, "timestamp": sent_at.isoformat()}, separators=(",", ":"))
    msg_id = message_id(notification)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Notlagen-Webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature(endpoint, msg_id, sent_at, body),
    }
    return urllib.request.Request(endpoint.url, data=body.encode(), headers=headers, method="POST")  # noqa: S310


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: its target was never checked against the address rules (a
    partner could point it inside the network). It fails the attempt like any error status."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def deliver_webhook(notification) -> None:
    endpoint = notification.endpoint
    if not endpoint.is_active:
        raise PermanentDeliveryError("the endpoint has been deactivated")
    try:
        check_url(endpoint.url)
    except ValidationError as error:
        raise PermanentDeliveryError(" ".join(error.messages)) from None
    try:
        with _opener.open(signed_request(notification), timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        if error.code in _GONE:
            raise PermanentDeliveryError(f"the partner answered {error.code}") from None
        raise
