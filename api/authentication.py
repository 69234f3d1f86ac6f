"""`Authorization: Api-Key nlk_…`: the key's client acts as its service account. Every way a key
can fail (unknown, wrong secret, expired, revoked, client or agency deactivated, address not
allowed) answers the same 401, so a caller learns nothing about which keys exist."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from audit.context import current

from . import keys
from .models import ApiKey
from .networks import address_allowed
from .services import record_use

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    failed = _("The API key is missing, unknown, expired or revoked.")

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _sep, token = header.partition(" ")
        if keyword != KEYWORD:
            return None  # no key: IsAuthenticated answers 401 with the challenge below
        parsed = keys.parse(token)
        key = None
        if parsed is not None:
            key = (
                ApiKey.objects.select_related("client__account", "client__agency").filter(prefix=parsed.prefix).first()
            )
        if key is None or not keys.matches(parsed, key.digest) or not self._usable(key):
            raise exceptions.AuthenticationFailed(self.failed)
        record_use(key, current().client_address)
        request.api_client = key.client
        return key.client.account, key

    @staticmethod
    def _usable(key: ApiKey) -> bool:
        client = key.client
        return (
            key.usable_at(timezone.now())
            and client.is_active
            and client.account.is_active
            and client.agency.is_active
            and address_allowed(client.allowed_networks, current().client_address)
        )

    def authenticate_header(self, request):
        return KEYWORD
