"""Producing committee reports: ask for one (found in the cache, computed while the page loads,
or handed to the background job), recompute one, and the computation itself. Every production
and every download is logged in the access log as a report, never with a case or a person."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events

from . import figures
from .models import Report
from .periods import Period, inline_limit_days, minimum_count
from .scopes import Scope, scope_of

logger = logging.getLogger("notlagen.reports")
STALE_AFTER_MINUTES = 30  # a job that has not finished by then is taken as lost: it may be restarted


def runs_in_background(*, period: Period, scope: Scope) -> bool:
    """The whole city, and periods longer than a quarter (REPORTS_INLINE_MAX_DAYS), are
    computed by the job: they read many rows; a quarter of one agency is quick."""
    return scope.is_city or period.days > inline_limit_days()


def log_report(*, actor, report: Report, scope: Scope, action: str) -> None:
    events.report(
        actor=actor,
        action=action,
        object_type="report",
        object_ids=[report.pk],
        agency_id=scope.agency_id_for_log,
        purpose=f"{report.first_day:%Y-%m-%d}..{report.last_day:%Y-%m-%d} {'city' if scope.is_city else 'agency'}",
    )


def _find_or_create(*, actor, period: Period, scope: Scope, minimum: int) -> tuple[Report, bool]:
    fields = {"first_day": period.first, "last_day": period.last, "agency": scope.agency, "threshold": minimum}
    found = Report.objects.filter(**fields).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                created_by=actor, period_kind=period.kind, started_at=timezone.now(), **fields
            )
            return report, True
    except IntegrityError:  # someone asked for the same report at the same moment
        return Report.objects.get(**fields), False


def report_request(*, actor, period: Period, scope: Scope) -> Report:
    """The report of `scope` for `period`: from the cache when it is there, else computed now
    (small) or by the job (large). The caller has the scope from reports.scopes."""
    _check_queue(actor=actor, period=period, scope=scope)
    report, created = _find_or_create(actor=actor, period=period, scope=scope, minimum=minimum_count())
    log_report(actor=actor, report=report, scope=scope, action="create" if created else "view")
    if created:
        _start(actor=actor, report=report, scope=scope, period=period)
    elif report.status == Report.Status.FAILED or (report.status != Report.Status.DONE and not is_busy(report)):
        # A failed computation, or a job that was lost, is started again when someone asks;
        # only by the one request that finds it as it was read (two asking at once start it once).
        as_read = Report.objects.filter(pk=report.pk, status=report.status, started_at=report.started_at)
        if as_read.update(status=Report.Status.PENDING, progress=0, started_at=timezone.now()):
            _start(actor=actor, report=report, scope=scope, period=period)
        report.refresh_from_db()
    return report


# At most this many of one person's reports wait for or run on the worker at a time: one person
# cannot fill the worker with five-year city computations.
MAX_WAITING_PER_PERSON = 3


def _check_queue(*, actor, period: Period, scope: Scope) -> None:
    if not runs_in_background(period=period, scope=scope):
        return
    fields = {"first_day": period.first, "last_day": period.last, "agency": scope.agency}
    if Report.objects.filter(**fields).exists():
        return  # already there: asking again costs nothing
    busy = Report.objects.filter(created_by=actor, status__in=[Report.Status.PENDING, Report.Status.RUNNING])
    if sum(1 for report in busy if is_busy(report)) >= MAX_WAITING_PER_PERSON:
        raise ValidationError(
            {
                "zeitraum": _("%(count)d of your reports are still being computed. Please wait until one is ready.")
                % {"count": MAX_WAITING_PER_PERSON}
            }
        )


def report_recompute(*, actor, report: Report) -> Report:
    """Compute a cached report anew ("Neu berechnen"), unless it is being computed right now."""
    scope = scope_of(actor, report.agency)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if is_busy(report):
            return report
        report.status, report.progress, report.error = Report.Status.PENDING, 0, ""
        report.started_at = timezone.now()
        report.save(update_fields=["status", "progress", "error", "started_at"])
        log_report(actor=actor, report=report, scope=scope, action="change")
    period = Period(report.period_kind, report.first_day, report.last_day)
    _start(actor=actor, report=report, scope=scope, period=period)
    report.refresh_from_db()
    return report


def is_busy(report: Report) -> bool:
    if report.status not in (Report.Status.PENDING, Report.Status.RUNNING):
        return False
    started = report.started_at or report.created_at
    return (timezone.now() - started).total_seconds() < STALE_AFTER_MINUTES * 60


def _claim(report: Report) -> bool:
    """Mark the report running, if it waits to be computed or its computation was lost (running
    for longer than STALE_AFTER_MINUTES: the worker died). One UPDATE, so of two workers handed
    the same report only one computes it."""
    lost = timezone.now() - timedelta(minutes=STALE_AFTER_MINUTES)
    waiting = Q(status=Report.Status.PENDING) | Q(status=Report.Status.RUNNING, started_at__lt=lost)
    claimed = Report.objects.filter(waiting, pk=report.pk)
    return claimed.update(status=Report.Status.RUNNING, progress=0, started_at=timezone.now()) == 1


def _start(*, actor, report: Report, scope: Scope, period: Period) -> None:
    if runs_in_background(period=period, scope=scope):
        from .tasks import compute_report

        transaction.on_commit(lambda: compute_report.delay(report.pk, actor.pk), robust=True)
        return
    compute(report=report, actor=actor)


def compute(*, report: Report, actor) -> Report:
    """Compute the figures into the report row, moving its progress after each section (each
    step its own small UPDATE, so the page's progress bar sees it while the job runs)."""
    scope = scope_of(actor, report.agency)  # the rights are checked again when the job runs
    period = Period(report.period_kind, report.first_day, report.last_day)
    if not _claim(report):
        # Another worker computes it right now (a task delivered twice, acks_late), or it is
        # done already: computing it again would only do the work twice.
        report.refresh_from_db()
        return report
    started = time.perf_counter()

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report.pk).update(progress=min(percent, 99))

    try:
        result = figures.compute(
            actor=actor, scope=scope.agency, period=period, minimum=report.threshold, progress=progress
        )
    except Exception as error:
        logger.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=type(error).__name__[:300])
        report.refresh_from_db()
        return report
    report.result, report.status, report.progress = result, Report.Status.DONE, 100
    report.computed_at, report.computed_by = timezone.now(), actor
    report.computed_in_ms = round((time.perf_counter() - started) * 1000)
    report.error = ""
    report.save(update_fields=["result", "status", "progress", "computed_at", "computed_by", "computed_in_ms", "error"])
    return report
