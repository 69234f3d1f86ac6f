"""Copy the stored documents from a folder into the configured storage "documents": when object
storage is switched on, or a files key is set for a folder that held plain files. Each file is
checked against the SHA-256 recorded at upload, before and after it is written; a file already
there and intact is left alone, so the command can run again after an interruption. The source
folder is never changed: remove it once the command reports no problem."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.base import File
from django.core.management.base import BaseCommand, CommandError

from casework.models import Document, document_storage
from notlagen.storage import FileIntegrityError


def _digest(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Copy case documents from a folder (the old DOCUMENTS_ROOT) into the configured document storage."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="the folder the documents were stored in")

    def handle(self, *args, source, **options):
        folder = Path(source)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        storage = document_storage()
        target = getattr(getattr(storage, "inner", storage), "location", None)
        if target and Path(target).resolve() == folder.resolve():
            raise CommandError(
                f"{folder} is the storage's own folder: move it aside first (e.g. to {folder.name}.plain) "
                "and give that as --from."
            )
        counts = {"copied": 0, "already there": 0, "missing": 0, "changed": 0}
        rows = Document.objects.order_by("pk").values_list("pk", "file", "sha256")
        for pk, name, sha256 in rows.iterator(chunk_size=500):
            outcome = self._one(storage, folder, name, sha256)
            counts[outcome] += 1
            if outcome in ("missing", "changed"):
                self.stderr.write(f"document {pk} ({name}): {outcome}")
        self.stdout.write(", ".join(f"{label}: {count}" for label, count in counts.items()))
        if counts["missing"] or counts["changed"]:
            raise CommandError("Some documents could not be copied intact (listed above); the source is unchanged.")

    def _one(self, storage, folder: Path, name: str, sha256: str) -> str:
        if self._intact(storage, name, sha256):
            return "already there"
        path = folder / name
        if not path.is_file():
            return "missing"
        with path.open("rb") as handle:
            if _digest(handle) != sha256:
                return "changed"
            handle.seek(0)
            if storage.exists(name):  # a broken earlier copy
                storage.delete(name)
            saved = storage.save(name, File(handle, name=name))
        if saved != name or not self._intact(storage, name, sha256):
            return "changed"
        return "copied"

    @staticmethod
    def _intact(storage, name: str, sha256: str) -> bool:
        try:
            with storage.open(name, "rb") as handle:
                return _digest(handle) == sha256
        except (FileNotFoundError, FileIntegrityError):
            return False
