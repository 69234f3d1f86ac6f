"""Idempotency-Key on POST. The handler claims the key right after its access check
(PartnerAPIView.once), so a stored answer goes only to a caller who may still see the object,
and that check logs the read. The first request with a key runs and its answer is stored for a
day; the same key with the same method, path and body gets that answer again (marked with
`Idempotent-Replayed: true`); the same key with anything else answers 422; a retry while the
first is still running answers 409. The claim is a committed row with a unique constraint, so
two processes racing with one key cannot both run it. A refusal before the claim and a 5xx
answer are not kept: the partner may retry."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from .models import IdempotentRequest
from .problems import IdempotencyConflict, IdempotencyInProgress, Replay

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def fingerprint(request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _kept_since():
    return timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def check_key(key: str) -> None:
    """1 to 200 visible ASCII characters (a UUID, say): nothing a database or a log trips over."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or any(not 0x21 <= ord(c) <= 0x7E for c in key):
        raise ValidationError({HEADER: [_("The Idempotency-Key must have 1 to 200 visible ASCII characters.")]})


def claim(*, client, key: str, print_: str) -> IdempotentRequest:
    """The claim of this key for this request, or Replay / a refusal."""
    IdempotentRequest.objects.filter(client=client, key=key, created_at__lt=_kept_since()).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(client=client, key=key, fingerprint=print_)
    except IntegrityError:
        pass
    earlier = IdempotentRequest.objects.filter(client=client, key=key).first()
    if earlier is None:  # released between our insert and our read: one more try
        return claim(client=client, key=key, print_=print_)
    if earlier.fingerprint != print_:
        raise IdempotencyConflict(_("This Idempotency-Key was used for another request."))
    if earlier.status_code is None:
        raise IdempotencyInProgress(_("A request with this Idempotency-Key is still being processed."))
    raise Replay(_replayed(earlier))


def _replayed(earlier: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(earlier.body), status=earlier.status_code, content_type=earlier.content_type)
    response["Idempotent-Replayed"] = "true"
    if earlier.etag:
        response["ETag"] = earlier.etag
    return response


def settle(record: IdempotentRequest, response) -> None:
    """Keep the answer, or release the claim when the server failed."""
    if response.status_code >= 500:
        release(record)
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        body=response.content,
        content_type=response.get("Content-Type", ""),
        etag=response.get("ETag", ""),
    )


def release(record: IdempotentRequest) -> None:
    IdempotentRequest.objects.filter(pk=record.pk).delete()


def purge() -> int:
    """Delete answers older than the keeping period (the beat job)."""
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=_kept_since()).delete()
    return deleted
