"""The clerk's desk: the work queue, the budget overview, exports and their downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from access.decide import agency_for, refuse
from access.rules import Action
from access.web import requires
from audit.alerts import alert

from .. import chart, selectors, services
from ..forms import ExportForm, YearForm
from ..models import Fund
from ..services.exports import file_is_as_exported

STATEMENT_MAX_BYTES = 20 * 1024 * 1024


def _desk_agency(request):
    agency = agency_for(request.user, Action.PAYMENT_QUEUE)
    if agency is None:
        refuse(request.user, Action.PAYMENT_QUEUE)
    return agency


@requires(Action.PAYMENT_QUEUE)
def queue(request):
    agency = _desk_agency(request)
    work = selectors.queue_for(user=request.user, agency_id=agency.pk, today=timezone.localdate())
    return render(
        request,
        "payments/queue.html",
        {"agency": agency, "queue": work, "can_export": selectors.may_export(request.user, agency.pk)},
    )


@requires(Action.PAYMENT_QUEUE)
def budgets(request):
    agency = _desk_agency(request)
    form = YearForm(request.GET or None)
    today = timezone.localdate()
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or today.year
    funds = selectors.budget_overview(user=request.user, agency_id=agency.pk, year=year, today=today)
    for item in funds:
        item.chart = chart.budget_svg(
            title=f"{item.fund.name} {year}",
            allocated=item.budget.allocated if item.budget else 0,
            months=item.months,
            chart_id=f"chart-{item.fund.pk}",
        )
    return render(request, "payments/budgets.html", {"agency": agency, "funds": funds, "year": year})


@require_POST
@requires(Action.PAYMENT_EXPORT)
def export(request):
    form = ExportForm(request.POST)
    fund = Fund.objects.filter(pk=form.data.get("fund")).first() if form.is_valid() else None
    if fund is None:
        refuse(request.user, Action.PAYMENT_EXPORT)
    try:
        created = services.export_create(actor=request.user, fund=fund, format=form.cleaned_data["format"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("payments:queue")
    messages.success(
        request,
        ngettext(
            "%(count)d payment exported (%(file)s). Download the file below.",
            "%(count)d payments exported (%(file)s). Download the file below.",
            created.count,
        )
        % {"count": created.count, "file": created.filename},
    )
    return redirect("payments:queue")


@requires(Action.PAYMENT_EXPORT)
def download(request, export_id: int):
    export = selectors.export_get_for(user=request.user, export_id=export_id)
    if not file_is_as_exported(export):
        alert("audit.payment_journal", _("An export file was changed after the export"), reference=export.filename)
        messages.error(
            request, _("This file was changed after the export and is not handed out. The auditors are told.")
        )
        return redirect("payments:queue")
    response = HttpResponse(bytes(export.content), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@requires(Action.PAYMENT_EXPORT)
def statement_upload(request):
    agency = agency_for(request.user, Action.PAYMENT_EXPORT)
    upload = request.FILES.get("statement")
    if upload is None or upload.size > STATEMENT_MAX_BYTES:
        messages.error(request, _("Please choose the account statement (camt.053, at most 20 MB)."))
        return redirect("payments:queue")
    try:
        report = services.statement_import(actor=request.user, agency_id=agency.pk, content=upload.read())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("payments:queue")
    messages.success(
        request,
        _("Statement read: %(booked)d booked as paid, %(reversed)d reversed.")
        % {"booked": len(report.booked), "reversed": len(report.reversed)},
    )
    for line, reference, why in report.skipped[:50]:
        messages.warning(
            request, _("Entry %(line)d (%(ref)s) not booked: %(why)s.") % {"line": line, "ref": reference, "why": why}
        )
    return redirect("payments:queue")
