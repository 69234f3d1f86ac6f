"""Checks of uploaded files: size, type by content (not by name or the browser's claim) and
the virus-scan hook (settings.DOCUMENT_SCANNER)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

# What may be uploaded: scans and photos of papers. Office files can carry macros; they are
# printed to PDF first.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    scan_result: str


def check_upload(upload) -> CheckedFile:
    """Validate an uploaded file; raises ValidationError({"file": …}) in German at the field."""
    if upload is None:
        raise ValidationError({"file": _("Please choose a file.")})
    limit = settings.DOCUMENT_MAX_MB * 1024 * 1024
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is too large (at most %(mb)d MB).") % {"mb": settings.DOCUMENT_MAX_MB}}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            {"file": _("This file type is not accepted. Please upload a PDF, JPEG, PNG or TIFF file.")}
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=kind.mime, size=upload.size, sha256=digest.hexdigest(), scan_result=_scan(upload))


def _scan(upload) -> str:
    if not settings.DOCUMENT_SCANNER:
        return ""
    scanner = import_string(settings.DOCUMENT_SCANNER)
    try:
        result = scanner(upload)
    finally:
        upload.seek(0)
    return str(result or "clean")[:100]
