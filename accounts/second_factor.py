"""Second factor (TOTP via django-otp): who must have one, enrolment and confirmation."""

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.selectors import has_role

DEVICE_NAME = "Authenticator-App"


def second_factor_required(user) -> bool:
    """Auditors and administrators must use a second factor; the demo may relax that by name."""
    if settings.DEMO_RELAX_SECOND_FACTOR:
        return False
    # Staff accounts reach the Django admin, so they count as administrators here.
    return user.is_superuser or user.is_staff or has_role(user, *settings.SECOND_FACTOR_REQUIRED_ROLES)


def has_confirmed_device(user) -> bool:
    """Read once per request (middleware and shell both ask), cached on the user object."""
    cached = getattr(user, "_notlagen_has_device", None)
    if cached is None:
        cached = user_has_device(user, confirmed=True)
        user._notlagen_has_device = cached
    return cached


@transaction.atomic
def enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one (and key) until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, user, token: str) -> TOTPDevice | None:
    """Confirm the pending device with a code from the app; None if the code does not match."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One confirmed device per person: a new enrolment replaces the old authenticator.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def verify(*, user, token: str):
    """The confirmed device that accepts the token, or None (django-otp throttles failures)."""
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


@transaction.atomic
def devices_remove(*, user) -> None:
    if second_factor_required(user):
        raise PermissionError("The second factor is mandatory for this account.")
    TOTPDevice.objects.filter(user=user).delete()


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no external image, CSP-safe)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def base32_secret(device: TOTPDevice) -> str:
    """The secret for manual entry, in groups of four as authenticator apps show it."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
