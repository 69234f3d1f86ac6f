"""Typed readers for environment variables.

Every setting that varies between machines is read here, so a wrong value fails
at start-up with the variable's name instead of deep inside a request. In
production mode a required variable without a value is an error, never a default.
"""

from __future__ import annotations

import os

import environ
from django.core.exceptions import ImproperlyConfigured

MODES = ("production", "demo", "development")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required_in_production: bool = False) -> str:
    value = _raw(name)
    if value:
        return value
    if required_in_production and MODE == "production":
        raise ImproperlyConfigured(f"{name} must be set in production mode (NOTLAGEN_MODE=production).")
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set.")
    return default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str], *, required_in_production: bool = False) -> list[str]:
    value = _raw(name)
    if value:
        return [item.strip() for item in value.split(",") if item.strip()]
    if required_in_production and MODE == "production":
        raise ImproperlyConfigured(f"{name} must be set in production mode (comma-separated list).")
    return default


def env_keys(name: str, default: str, *, required_in_production: bool = False) -> list[tuple[str, str]]:
    """ "id:secret,id:secret" -> [(id, secret), ...], the first being the current key."""
    value = env_str(name, default, required_in_production=required_in_production)
    keys = []
    for item in value.split(","):
        key_id, _sep, secret = item.strip().partition(":")
        if not key_id or len(secret) < 32:
            raise ImproperlyConfigured(f"{name} must be a list of id:secret pairs with secrets of 32+ characters.")
        keys.append((key_id, secret))
    return keys


def env_database(name: str, default: str, *, required_in_production: bool = False) -> dict:
    url = env_str(name, default, required_in_production=required_in_production)
    try:
        config = environ.Env.db_url_config(url)
    except (ImproperlyConfigured, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} is not a valid database URL: unknown scheme.")
    return config


def env_email(name: str, default: str) -> dict:
    url = env_str(name, default)
    try:
        return environ.Env.email_url_config(url)
    except (ImproperlyConfigured, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not a valid mail URL: {exc}") from None


MODE = (_raw("NOTLAGEN_MODE") or "production").lower()
if MODE not in MODES:
    raise ImproperlyConfigured(f"NOTLAGEN_MODE must be one of {', '.join(MODES)}, not {MODE!r}.")
