"""Committee reports for team leads and the reporting role (REPORTS_VIEW): the form, a report
with its tables and charts (or its progress while the job computes it), recomputing, and the
PDF, CSV and Excel downloads. Every view and download is logged (reports.services.log_report);
anyone else gets the logged 404 of access.web.requires."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.decide import may
from access.rules import Action
from access.web import requires
from cases.views._helpers import apply_errors

from . import files, method, pdf, presenting, services
from .forms import ReportForm, initial_values
from .models import Report
from .periods import Period
from .scopes import scope_of, scopes_for

RECENT = 20


def _recent(scopes) -> list[Report]:
    agencies = [scope.agency.pk for scope in scopes if scope.agency is not None]
    city = any(scope.is_city for scope in scopes)
    reports = Report.objects.filter(agency__in=agencies)
    if city:
        reports = reports | Report.objects.filter(agency__isnull=True)
    return list(reports.select_related("agency").order_by("-created_at")[:RECENT])


@requires(Action.REPORTS_VIEW)
@require_http_methods(["GET", "POST"])
def index(request):
    scopes = scopes_for(request.user)
    form = ReportForm(request.POST or None, scopes=scopes, initial=initial_values(scopes))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(actor=request.user, period=data["period"], scope=data["scope"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("reports:detail", report_id=report.pk)
    context = {"form": form, "recent": _recent(scopes)}
    return render(request, "reports/index.html", context)


def _scope_name(report: Report) -> str:
    return _("The whole city (all agencies)") if report.is_city else report.agency.name


def heading(report: Report) -> list[tuple[str, str]]:
    return [
        (_("Figures of"), _scope_name(report)),
        (_("Period"), f"{formats.date_format(report.first_day)} – {formats.date_format(report.last_day)}"),
        (_("Computed"), formats.date_format(timezone.localtime(report.computed_at), "DATETIME_FORMAT")),
        (_("Smallest count shown"), str(report.threshold)),
    ]


def _sections(report: Report, user, *, with_chart: bool = True) -> list[presenting.Section]:
    """The cached sections as `user` may see them. The result is shared by everyone with the
    scope, but the inventory section was read with the rights of whoever computed it: someone
    without the inventory right (INVENTORY_VIEW) does not get it from the cache either."""
    shown = presenting.sections(report.result, with_chart=with_chart)
    if may(user, Action.INVENTORY_VIEW) is None:
        shown = [section for section in shown if section.key != "inventory"]
    return shown


def _report_of(request, report_id: int):
    report = get_object_or_404(Report.objects.select_related("agency"), pk=report_id)
    return report, scope_of(request.user, report.agency)


@requires(Action.REPORTS_VIEW)
@require_GET
def detail(request, report_id: int):
    report, scope = _report_of(request, report_id)
    services.log_report(actor=request.user, report=report, scope=scope, action="view")
    context = {
        "report": report,
        "scope_name": _scope_name(report),
        "busy": services.is_busy(report),
        "sections": _sections(report, request.user) if report.is_ready else [],
        "notes": method.notes(minimum=report.threshold, city=report.is_city),
    }
    if report.is_ready:
        context["heading"] = heading(report)
        context["unfinished_period"] = computed_before_the_end(report)
    return render(request, "reports/detail.html", context)


def computed_before_the_end(report: Report) -> bool:
    """The figures were computed while the period was still running (this year, this quarter, a
    free period ending later): they are the state of that day, and the cache keeps them until
    someone computes the report anew; the page says so."""
    period_end = Period(report.period_kind, report.first_day, report.last_day).end
    return report.computed_at is not None and report.computed_at < period_end


@requires(Action.REPORTS_VIEW)
@require_GET
def status(request, report_id: int):
    """The small fragment the page polls (htmx) while the job computes; reloads the page when
    the report is ready, has failed or its job was lost (the page then offers "compute anew",
    and polling stops)."""
    report, _scope = _report_of(request, report_id)
    busy = services.is_busy(report)
    response = render(request, "reports/_status.html", {"report": report, "busy": busy})
    if not busy:
        response["HX-Refresh"] = "true"
    return response


@requires(Action.REPORTS_VIEW)
@require_POST
def recompute(request, report_id: int):
    report, _scope = _report_of(request, report_id)
    services.report_recompute(actor=request.user, report=report)
    return redirect("reports:detail", report_id=report.pk)


def _download(request, report_id: int, kind: str) -> HttpResponse:
    report, scope = _report_of(request, report_id)
    if not report.is_ready:
        return redirect("reports:detail", report_id=report.pk)
    services.log_report(actor=request.user, report=report, scope=scope, action="export")
    sections = _sections(report, request.user, with_chart=(kind == "pdf"))
    parts = {
        "heading": heading(report),
        "sections": sections,
        "notes": method.notes(minimum=report.threshold, city=report.is_city),
    }
    whose = "stadt" if report.is_city else report.agency_id
    name = f"bericht-{whose}-{report.first_day:%Y-%m-%d}-{report.last_day:%Y-%m-%d}"
    if kind == "pdf":
        title = _("Report for the council committee")
        content, content_type = pdf.report_pdf(title=title, minimum=report.threshold, **parts), "application/pdf"
    elif kind == "xlsx":
        content = files.report_xlsx(**parts)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type = files.report_csv(**parts), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(Action.REPORTS_VIEW)
@require_GET
def download_pdf(request, report_id: int):
    return _download(request, report_id, "pdf")


@requires(Action.REPORTS_VIEW)
@require_GET
def download_csv(request, report_id: int):
    return _download(request, report_id, "csv")


@requires(Action.REPORTS_VIEW)
@require_GET
def download_xlsx(request, report_id: int):
    return _download(request, report_id, "xlsx")
