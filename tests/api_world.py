"""The referral world (tests.referrals_world) with partner clients: the counselling centre's
case system, the city office's own software, an unrelated centre's client, and keys in every
state a matrix needs (valid, revoked, expired, of a deactivated client)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from agencies.roles import Role
from api.models import ApiKey
from api.services import client_bootstrap, key_bootstrap

from .referrals_world import ReferralWorld, build_referral_world


@dataclass
class ApiWorld:
    base: ReferralWorld
    keys: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)


def build_api_world() -> ApiWorld:
    base = build_referral_world()
    world = ApiWorld(base)
    admin = base.users["admin"]
    for name, agency, role in [
        ("centre", "centre", Role.PARTNER_STAFF),
        ("city", "city", Role.SOCIAL_WORKER),
        ("other", "other", Role.PARTNER_STAFF),
    ]:
        client = client_bootstrap(agency=base.agencies[agency], name=f"System {name}", roles=[role], created_by=admin)
        world.clients[name] = client
        world.keys[name] = key_bootstrap(client=client, created_by=admin)[1]
    centre = world.clients["centre"]
    revoked, world.keys["revoked"] = key_bootstrap(client=centre, created_by=admin)
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    expired, world.keys["expired"] = key_bootstrap(client=centre, created_by=admin)
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    gone = client_bootstrap(
        agency=base.agencies["centre"], name="Stillgelegt", roles=[Role.PARTNER_STAFF], created_by=admin
    )
    world.keys["deactivated"] = key_bootstrap(client=gone, created_by=admin)[1]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return world


def api(key: str | None = None, **headers) -> Client:
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return Client(**headers)
