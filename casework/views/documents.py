"""Documents of a case: list, upload, and the permission-checked, logged download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

from access.case_access import case_access
from access.decide import refuse
from access.errors import NotFound
from access.rules import Action
from cases.views._helpers import apply_errors

from .. import selectors, services
from ..forms import DocumentForm
from ._common import back_to, render_tab


def _document_form(access, data=None, files=None):
    writable = access.writable_categories("document")
    return DocumentForm(data, files, categories=writable, max_mb=settings.DOCUMENT_MAX_MB) if writable else None


def _upload(request, access):
    """The upload form after a POST: None when stored, else the form with its errors."""
    form = _document_form(access, request.POST, request.FILES)
    if form is None:
        refuse(request.user, Action.DOCUMENT_ADD, access)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(
                actor=request.user, case=access, title=data["title"], category=data["category"], upload=data["file"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return None
    return form


@login_required
def documents(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
    form = None
    if request.method == "POST":
        form = _upload(request, access)
        if form is None:
            messages.success(request, _("The document has been uploaded."))
            return back_to("documents", access)
    return render_tab(
        request,
        "casework/documents.html",
        access,
        "documents",
        status=400 if form is not None else 200,
        documents=selectors.documents_of(access=access),
        document_form=form or _document_form(access),
    )


def document_response(document):
    """A stored document as a download that the browser never renders in our origin (for every
    view that hands a document out after its own access check)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise NotFound("document", document.pk) from None
    response = FileResponse(
        handle, content_type=document.content_type, as_attachment=True, filename=document.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download(request, case_id: int, document_id: int):
    _access, document = selectors.document_get_for(user=request.user, case_id=case_id, document_id=document_id)
    return document_response(document)
