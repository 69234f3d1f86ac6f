"""Background jobs of the case workspace."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task

from .models import Document, document_storage

# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE_SECONDS = 3600


@shared_task
def remove_orphan_files() -> int:
    """Delete stored files without a document row (an upload whose transaction rolled back).
    Idempotent; runs daily from beat."""
    root = document_storage().path("")

    known = set(Document.objects.values_list("file", flat=True))
    removed = 0
    cutoff = time.time() - ORPHAN_GRACE_SECONDS
    for path in Path(root).glob("*/*") if Path(root).exists() else []:
        name = path.relative_to(root).as_posix()
        if name not in known and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed
