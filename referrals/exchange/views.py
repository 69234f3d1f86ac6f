"""Pages of the directory exchange (HSDS import and export) and of the committee's inventory.
Views parse and render; the services in exchange.hsds and exchange.inventory ask the access
layer themselves. The directory holds no personal data of clients: nothing here is logged."""

from __future__ import annotations

import io

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from access.rules import Action
from access.web import requires

from . import hsds, inventory_files
from .forms import ImportForm, InventoryForm
from .inventory import default_municipality, inventory, municipalities, summary


def _download(content: bytes, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return timezone.localdate().isoformat()


@require_http_methods(["GET", "POST"])
@requires(Action.DIRECTORY_EXCHANGE)
def exchange(request):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = hsds.import_file(actor=request.user, name=upload.name, content=upload.read())
        if result.ok:
            form = ImportForm()
    return render(request, "referrals/exchange/exchange.html", {"form": form, "result": result})


@requires(Action.DIRECTORY_EXCHANGE)
def export_json(request):
    content = hsds.export_json(actor=request.user)
    return _download(content, "application/json; charset=utf-8", f"hilfeangebote-hsds-{_stamp()}.json")


@requires(Action.DIRECTORY_EXCHANGE)
def export_csv(request):
    content = hsds.export_zip(actor=request.user)
    return _download(content, "application/zip", f"hilfeangebote-hsds-{_stamp()}.zip")


def _report(request):
    choices = municipalities()
    form = InventoryForm(request.GET or None, municipalities=choices)
    municipality, group = default_municipality(request.user, choices), ""
    if form.is_bound and form.is_valid():
        municipality, group = form.cleaned_data["municipality"], form.cleaned_data["target_group"]
    elif not form.is_bound:
        form = InventoryForm(initial={"municipality": municipality}, municipalities=choices)
    return form, inventory(user=request.user, municipality=municipality, target_group=group)


@requires(Action.INVENTORY_VIEW)
def inventory_page(request):
    form, report = _report(request)
    context = {
        "form": form,
        "report": report,
        "summary": summary(report),
        "unplaced_note": inventory_files.unplaced_note(report.unplaced) if report.unplaced else "",
        "query": request.GET.urlencode(),
        "gap_mark": inventory_files.GAP_MARK,
    }
    return render(request, "referrals/exchange/inventory.html", context)


def _file_name(report, extension: str) -> str:
    group = f"-{report.target_group}" if report.target_group else ""
    place = slugify(report.municipality)
    return f"bestand-hilfeangebote-{place}{group}-{_stamp()}.{extension}"


@requires(Action.INVENTORY_VIEW)
def inventory_pdf(request):
    _form, report = _report(request)
    return _download(inventory_files.inventory_pdf(report), "application/pdf", _file_name(report, "pdf"))


@requires(Action.INVENTORY_VIEW)
def inventory_csv(request):
    _form, report = _report(request)
    return _download(inventory_files.inventory_csv(report), "text/csv; charset=utf-8", _file_name(report, "csv"))
