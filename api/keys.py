"""The shape of a key: `nlk_<prefix>_<secret>`. The prefix finds the row; the secret is
compared with the stored SHA-256 digest in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

KEY_SCHEME = "nlk"
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 10
_PREFIX_CHARACTERS = frozenset(PREFIX_ALPHABET)
# URL-safe base64 as token_urlsafe makes it (and the demo's published keys: letters, digits, "-").
_SECRET_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_")


@dataclass(frozen=True)
class ParsedKey:
    prefix: str
    secret: str


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the whole key shown once, its prefix, the digest to store)."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = secrets.token_urlsafe(32)
    return f"{KEY_SCHEME}_{prefix}_{secret}", prefix, digest_of(secret)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(token: str) -> ParsedKey | None:
    scheme, _, rest = (token or "").strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or len(prefix) != PREFIX_LENGTH or set(prefix) - _PREFIX_CHARACTERS:
        return None
    if not secret or len(secret) > 200 or set(secret) - _SECRET_CHARACTERS:
        return None
    return ParsedKey(prefix, secret)


def matches(parsed: ParsedKey, digest: str) -> bool:
    return hmac.compare_digest(digest_of(parsed.secret), digest)
