"""Documents of a case: stored outside the web root after checks of size, type and viruses."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access.case_access import access_for
from access.rules import Action
from cases import timeline
from cases.access_sync import case_touch
from cases.models import Consent, Visibility

from ..documents import check_upload
from ..models import Document
from ._common import check_category


@transaction.atomic
def document_add(*, actor, case, title: str, category: str, upload, consent: Consent | None = None) -> Document:
    """Store an upload outside the web root after checking size, type (by content) and, where a
    scanner is configured, viruses. A failed check stores nothing."""
    check_category(category)
    access = access_for(actor, case)
    case = access.case
    agency_id = access.require(Action.DOCUMENT_ADD, category).agency_id
    if not title.strip():
        raise ValidationError({"title": _("Please give the document a title.")})
    checked = check_upload(upload)
    document = Document(
        case=case,
        category=category,
        title=title.strip()[:200],
        token=secrets.token_hex(16),
        original_name=(getattr(upload, "name", "") or "datei")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_result=checked.scan_result,
        consent=consent,
        uploaded_by=actor,
        agency_id=agency_id,
    )
    # The file is written before the row; should the transaction roll back later, the file is
    # an orphan without a row, removed by the daily job (casework.tasks.remove_orphan_files).
    document.file.save(document.token, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    case_touch(case.pk)
    # A signed consent names every agency the case is shared with: the owning agency's only.
    visibility = Visibility.OWNER if consent is not None else category
    timeline.record(
        case=case, kind="document", visibility=visibility, actor=actor, agency_id=agency_id, ref_id=document.pk
    )
    access.report(action="create", object_type="document", object_ids=[document.pk], agency_id=agency_id)
    return document
