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
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from .errors import PermanentDeliveryError

# Codes by which a receiver says "never again", not "later".
_GONE = {400, 401, 403, 404, 410, 413, 422}


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> None:
    """https only in production, and no loopback, private or link-local addresses unless
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set (a test receiver, an intranet partner)."""
    parts = urlsplit(url)
    allowed_schemes = {"https"} if settings.NOTLAGEN_MODE == "production" else {"https", "http"}
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise ValidationError({"url": _("Please enter an https:// address of the partner system.")})
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError:
        raise ValidationError({"url": _("This address cannot be resolved.")}) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise ValidationError({"url": _("Addresses inside the local network are not allowed.")})


def signed_request(notification) -> urllib.request.Request:
    endpoint = notification.endpoint
    sent_at = timezone.now()
    body = json.dumps({**notification.payload, "timestamp": sent_at.isoformat()}, separators=(",", ":"))
    message_id = f"msg_{notification.idempotency_key.hex}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Notlagen-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(message_id, sent_at, body),
    }
    return urllib.request.Request(endpoint.url, data=body.encode(), headers=headers, method="POST")  # noqa: S310


def deliver_webhook(notification) -> None:
    endpoint = notification.endpoint
    if not endpoint.is_active:
        raise PermanentDeliveryError("the endpoint has been deactivated")
    try:
        check_url(endpoint.url)
    except ValidationError as error:
        raise PermanentDeliveryError(" ".join(error.messages)) from None
    try:
        with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
            signed_request(notification), timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        if error.code in _GONE:
            raise PermanentDeliveryError(f"the partner answered {error.code}") from None
        raise
