"""The uptake report for an agency's team leads and administrators: tables, a chart and a CSV.
Counts only, small ones hidden (reports.suppression), so nothing is logged as a read of
personal data."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from access.rules import Action
from access.web import requires
from agencies.models import Agency
from reports.charts import bars_svg

from ..forms import UptakeForm
from ..uptake import COLUMNS, MAX_MONTHS, build_report, legend, report_csv
from .manage import agencies_with

DEFAULT_MONTHS = 4


def _default_period() -> tuple[date, date]:
    last = timezone.localdate().replace(day=1)
    first = last
    for _step in range(DEFAULT_MONTHS - 1):
        first = (first.replace(day=1) - date.resolution).replace(day=1)
    return first, last


def _report_for(request):
    agencies = agencies_with(request.user, Action.CONSULTATION_UPTAKE)
    first, last = _default_period()
    form = UptakeForm(
        request.GET or None,
        agencies=Agency.objects.filter(pk__in=[a.pk for a in agencies]),
        initial={"traeger": agencies[0].pk, "von": f"{first:%Y-%m}", "bis": f"{last:%Y-%m}"},
    )
    agency = agencies[0]
    if form.is_bound and form.is_valid():
        agency = form.cleaned_data["traeger"] or agency
        first = form.cleaned_data["von"] or first
        # At most MAX_MONTHS months are counted from the first (uptake.months_between).
        last = form.cleaned_data["bis"] or max(first, last)
    return form, build_report(agency=agency, first=first, last=last)


@requires(Action.CONSULTATION_UPTAKE)
def uptake(request):
    form, report = _report_for(request)
    months = report.table("month")
    chart = bars_svg(
        table=months,
        column=0,
        title=months.heading,
        chart_id="uptake-months",
        label=lambda row: f"{row.key:%m/%y}",
    )
    context = {
        "form": form,
        "report": report,
        "columns": [label for _key, label in COLUMNS],
        "figures": list(zip([label for _key, label in COLUMNS], report.total.cells, strict=True)),
        "chart": chart,
        "legend": legend(),
        "query": request.GET.urlencode(),
        "max_months": MAX_MONTHS,
    }
    return render(request, "consultations/uptake.html", context)


@requires(Action.CONSULTATION_UPTAKE)
def uptake_csv(request):
    _form, report = _report_for(request)
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    name = f"sprechstunden-{report.first:%Y-%m}-{report.last:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
