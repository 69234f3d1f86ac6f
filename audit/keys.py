"""The keys that authenticate the seals of the access log (HMAC-SHA256). They are kept outside
the database (ACCESS_LOG_SEAL_KEYS in the environment), so someone who can write the database
can recompute the hash chain but not the seals over it.

Rotation: put the new key first ("2027:<new>,2026:<old>"); new seals use the first key, and
every seal names its key id, so older seals keep verifying as long as their key stays listed."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _keys() -> list[tuple[str, bytes]]:
    return [(key_id, secret.encode()) for key_id, secret in settings.ACCESS_LOG_SEAL_KEYS]


def current() -> tuple[str, bytes]:
    return _keys()[0]


def by_id(key_id: str) -> bytes | None:
    return dict(_keys()).get(key_id)


def seal_message(*, first_entry_id: int, last_entry_id: int, count: int, previous_head: str, head: str) -> bytes:
    return f"{first_entry_id}|{last_entry_id}|{count}|{previous_head}|{head}".encode()


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_mac_ok(seal) -> bool:
    key = by_id(seal.key_id)
    if key is None or not seal.mac:
        return False
    message = seal_message(
        first_entry_id=seal.first_entry_id,
        last_entry_id=seal.last_entry_id,
        count=seal.count,
        previous_head=seal.previous_head,
        head=seal.head,
    )
    return hmac.compare_digest(mac(key, message), seal.mac)
