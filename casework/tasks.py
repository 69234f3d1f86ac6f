"""Background jobs of the case workspace."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from notlagen.storage import stored_files

from .models import Document, document_storage

# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE_SECONDS = 3600


@shared_task
def remove_orphan_files() -> int:
    """Delete stored files without a document row (an upload whose transaction rolled back).
    Idempotent; runs daily from beat. Works on any storage: the folder or the object storage."""
    storage = document_storage()
    known = set(Document.objects.values_list("file", flat=True))
    cutoff = timezone.now() - timedelta(seconds=ORPHAN_GRACE_SECONDS)
    removed = 0
    for name, modified in stored_files(storage):
        if name not in known and modified < cutoff:
            storage.delete(name)
            removed += 1
    return removed
