"""Seal every case document that an older key sealed again with the current files key
(NOTLAGEN_FILES_KEY), so the old key can leave NOTLAGEN_FILES_OLD_KEYS. Each file is written
under a new name, checked against the SHA-256 recorded at upload, then the document row points
to it and the old file goes. Interrupted, it leaves at most an orphan file (removed by the daily
sweep) and can run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casework.models import Document, document_storage
from notlagen.storage import FileIntegrityError

from .move_documents import _digest


class Command(BaseCommand):
    help = "Re-encrypt the case documents sealed with an older files key with the current one."

    def handle(self, *args, **options):
        storage = document_storage()
        current = getattr(storage, "current_key_id", None)
        if current is None:
            raise CommandError("The document storage is not encrypted: set NOTLAGEN_FILES_KEY.")
        counts = {"resealed": 0, "already current": 0, "unreadable": 0}
        rows = Document.objects.order_by("pk").values_list("pk", "file", "sha256")
        for pk, name, sha256 in rows.iterator(chunk_size=500):
            try:
                outcome = self._one(storage, current, pk, name, sha256)
            except (FileNotFoundError, FileIntegrityError) as error:
                outcome = "unreadable"
                self.stderr.write(f"document {pk} ({name}): {error}")
            counts[outcome] += 1
        self.stdout.write(", ".join(f"{label}: {count}" for label, count in counts.items()))
        if counts["unreadable"]:
            raise CommandError("Some documents could not be read (listed above); they keep their old key.")

    @staticmethod
    def _one(storage, current: bytes, pk: int, name: str, sha256: str) -> str:
        with storage.open(name, "rb") as handle:
            if handle.file.key_id == current:
                return "already current"
            fresh = storage.save(name, handle)  # under a new name: the old file stays until the row moves
        with storage.open(fresh, "rb") as handle:
            intact = _digest(handle) == sha256 and handle.file.key_id == current
        moved = intact and Document.objects.filter(pk=pk, file=name).update(file=fresh)
        storage.delete(name if moved else fresh)
        if not intact:
            raise FileIntegrityError(f"the new copy of {name} does not match the recorded SHA-256")
        return "resealed"
