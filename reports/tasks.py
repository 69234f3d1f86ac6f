"""The background job of large reports: computes one cached report (reports.services.compute).
It receives ids, reloads what it needs and may run twice without harm: a report that is done
already is left alone. Its access-log entries carry the channel "job" (audit.receivers)."""

from celery import shared_task


@shared_task(name="reports.compute", ignore_result=True, acks_late=True)
def compute_report(report_id: int, actor_id: int) -> None:
    from access.errors import NotFound
    from accounts.models import User

    from .models import Report
    from .services import compute

    report = Report.objects.filter(pk=report_id).first()
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if report is None or actor is None or report.status == Report.Status.DONE:
        return
    try:
        compute(report=report, actor=actor)
    except NotFound:
        # The person lost the right since asking (logged as denied): nothing is computed.
        Report.objects.filter(pk=report_id).update(status=Report.Status.FAILED, error="NotFound")
