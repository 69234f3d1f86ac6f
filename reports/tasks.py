"""The background job of large reports: computes one cached report (reports.services.compute).
It receives ids, reloads what it needs and may run twice without harm: a report that is done
already, or that another worker computes right now, is left alone (reports.services._claim).
Its access-log entries carry the channel "job" (audit.receivers)."""

from celery import shared_task

# Both below reports.services.STALE_AFTER_MINUTES (30): a computation is over (failed at the soft
# limit, shown and restartable; killed at the hard one) before anyone may take it as lost and
# start it again, so two never run at once.
SOFT_LIMIT_SECONDS, HARD_LIMIT_SECONDS = 27 * 60, 29 * 60


@shared_task(
    name="reports.compute",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=SOFT_LIMIT_SECONDS,
    time_limit=HARD_LIMIT_SECONDS,
)
def compute_report(report_id: int, actor_id: int) -> None:
    from access.errors import NotFound
    from accounts.models import User

    from .models import Report
    from .services import compute

    report = Report.objects.filter(pk=report_id).first()
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if report is None or report.status == Report.Status.DONE:
        return
    if actor is None:
        # Deactivated since asking: the report fails visibly rather than wait for ever.
        Report.objects.filter(pk=report_id).exclude(status=Report.Status.DONE).update(
            status=Report.Status.FAILED, error="NotFound"
        )
        return
    try:
        compute(report=report, actor=actor)
    except NotFound:
        # The person lost the right since asking (logged as denied): nothing is computed.
        Report.objects.filter(pk=report_id).update(status=Report.Status.FAILED, error="NotFound")
