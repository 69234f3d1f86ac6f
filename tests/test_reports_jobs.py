"""Large reports run as a Celery job: the page shows the progress (a small fragment polled by
htmx), the result is cached per period and scope, asked again it comes from the cache, and
"compute anew" recomputes it. The number of queries does not grow with the number of cases."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Membership
from cases.models import Case, Person
from reports import figures, services
from reports.models import Report
from reports.periods import Period, quarter, year
from reports.scopes import scopes_for
from reports.tasks import compute_report

from .conftest import login
from .test_reports_figures import Q3, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build()


def _city(user):
    return next(scope for scope in scopes_for(user) if scope.is_city)


def _desk(user, world):
    return next(scope for scope in scopes_for(user) if scope.agency == world.desk)


def test_the_city_is_computed_by_the_job_with_progress_and_cached(client, world, django_capture_on_commit_callbacks):
    lead = world.users["team_lead"]
    login(client, lead)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/berichte/", {"bereich": "stadt", "zeitraum": "quarter", "jahr": "2026", "quartal": "3"}
        )
    report = Report.objects.get()
    assert len(callbacks) == 1 and report.status == Report.Status.PENDING and report.agency is None
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<progress class="reports-progress" id="report-progress" max="100" value="0"' in page
    status = client.get(f"/berichte/{report.pk}/stand/")
    assert "HX-Refresh" not in status
    compute_report(report.pk, lead.pk)  # what the worker runs
    report.refresh_from_db()
    assert (report.status, report.progress, report.computed_by) == (Report.Status.DONE, 100, lead)
    assert client.get(f"/berichte/{report.pk}/stand/")["HX-Refresh"] == "true"
    first_computed = report.computed_at
    # Asked again (by someone else with the right): the cached report, nothing computed.
    other = world.users["reporting"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.report_request(actor=other, period=Q3, scope=_city(other))
    assert again.pk == report.pk and not callbacks and again.computed_at == first_computed


def test_compute_anew_recomputes_into_the_same_report(client, world, django_capture_on_commit_callbacks):
    lead = world.users["team_lead"]
    report = services.report_request(actor=lead, period=Q3, scope=_desk(lead, world))
    assert report.status == Report.Status.DONE  # a quarter of one agency: at once
    opened = report.result["sections"][0]["total"]["cells"][0]
    Case.objects.filter(pk=world.cases[12].pk).update(created_at=world.cases[0].created_at)  # one more in July
    login(client, lead)
    client.post(f"/berichte/{report.pk}/neu-berechnen/")
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and Report.objects.count() == 1
    assert opened == [22, "shown"] and report.result["sections"][0]["total"]["cells"][0] == [22, "shown"]
    year_report = services.report_request(actor=lead, period=year(2026), scope=_desk(lead, world))
    assert year_report.status == Report.Status.PENDING  # a year runs in the background
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_recompute(actor=lead, report=year_report)
    assert not callbacks  # it is waiting for its job already: not started twice


def test_progress_moves_section_by_section(world):
    seen = []
    figures.compute(actor=world.users["team_lead"], scope=world.desk, period=Q3, minimum=5, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) >= 10


def test_a_failed_computation_is_shown_and_can_be_started_again(client, world, monkeypatch):
    lead = world.users["team_lead"]

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(figures, "compute", broken)
    report = services.report_request(actor=lead, period=Q3, scope=_desk(lead, world))
    assert report.status == Report.Status.FAILED and report.error == "RuntimeError"
    login(client, lead)
    page = client.get(f"/berichte/{report.pk}/").content.decode()
    assert "neu-berechnen" in page
    monkeypatch.undo()
    report = services.report_request(actor=lead, period=Q3, scope=_desk(lead, world))
    assert report.status == Report.Status.DONE


def test_the_job_checks_the_right_again(world, django_capture_on_commit_callbacks):
    lead = world.users["team_lead"]
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_request(actor=lead, period=Q3, scope=_city(lead))
    Membership.objects.filter(user=lead).delete()
    compute_report(report.pk, lead.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.result == {}


def _more_cases(world, count: int) -> None:
    """Cases written in bulk (what is measured is the report, not the opening service)."""
    person = Person.objects.create(family_name="Muster", owner_agency=world.desk, gender="female")
    Case.objects.bulk_create(
        Case(
            reference=f"X-{i:05d}",
            person=person,
            owner_agency=world.desk,
            title="Anlass",
            age_band="27-44",
            district=world.districts["Nord"],
        )
        for i in range(count)
    )
    Case.objects.filter(reference__startswith="X-").update(created_at=world.cases[0].created_at)


def test_the_number_of_queries_does_not_grow_with_the_cases(world, django_assert_max_num_queries):
    lead = world.users["team_lead"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            figures.compute(
                actor=lead, scope=None, period=Period("range", date(2026, 1, 1), date(2026, 12, 31)), minimum=5
            )
        return len(captured)

    queries()  # the person's memberships are read once and kept on the user
    few = queries()
    _more_cases(world, 300)
    assert queries() == few
    with django_assert_max_num_queries(30):
        figures.compute(actor=lead, scope=world.desk, period=quarter(2026, 3), minimum=5)


def test_a_task_delivered_twice_computes_once(world, django_capture_on_commit_callbacks, monkeypatch):
    """acks_late: the broker may hand the same report to a second worker while the first still
    computes it; the second leaves it alone (review of issue 16)."""
    lead = world.users["team_lead"]
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_request(actor=lead, period=Q3, scope=_city(lead))
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=timezone.now())
    calls = []
    monkeypatch.setattr(figures, "compute", lambda **kwargs: calls.append(kwargs) or {"sections": []})
    compute_report(report.pk, lead.pk)
    report.refresh_from_db()
    assert calls == [] and report.status == Report.Status.RUNNING


def test_a_report_lost_with_its_worker_is_computed_again(world, django_capture_on_commit_callbacks):
    """A worker that died left the report running; once that is older than STALE_AFTER_MINUTES
    the redelivered task (or "compute anew") computes it."""
    lead = world.users["team_lead"]
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_request(actor=lead, period=Q3, scope=_city(lead))
    lost_at = timezone.now() - timedelta(minutes=services.STALE_AFTER_MINUTES + 1)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, progress=40, started_at=lost_at)
    report.refresh_from_db()
    assert not services.is_busy(report)
    compute_report(report.pk, lead.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.progress == 100


def test_the_page_stops_polling_a_lost_job_and_offers_to_compute_anew(
    client, world, django_capture_on_commit_callbacks
):
    """A job lost with its worker: the fragment stops polling (it polled every 2 s forever) and
    reloads the page, which offers "compute anew" (review of issue 16)."""
    lead = world.users["team_lead"]
    login(client, lead)
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_request(actor=lead, period=Q3, scope=_city(lead))
    assert "hx-get" in client.get(f"/berichte/{report.pk}/stand/").content.decode()  # while it may still run
    lost_at = timezone.now() - timedelta(minutes=services.STALE_AFTER_MINUTES + 1)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=lost_at)
    status = client.get(f"/berichte/{report.pk}/stand/")
    assert status["HX-Refresh"] == "true" and "hx-get" not in status.content.decode()
    page = client.get(f"/berichte/{report.pk}/").content.decode()
    assert "neu-berechnen" in page and "hx-get" not in page


def test_two_asking_at_once_for_a_failed_report_start_it_once(world, monkeypatch):
    """Both requests read the failed report; the first restarts it (running now); the second,
    still holding what it read, leaves it alone instead of starting it a second time."""
    lead = world.users["team_lead"]
    monkeypatch.setattr(figures, "compute", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("down")))
    report = services.report_request(actor=lead, period=Q3, scope=_desk(lead, world))
    assert report.status == Report.Status.FAILED
    as_read_by_the_second = Report.objects.get(pk=report.pk)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=timezone.now())
    calls = []
    monkeypatch.setattr(figures, "compute", lambda **kwargs: calls.append(kwargs) or {"sections": []})
    monkeypatch.setattr(services, "_find_or_create", lambda **kwargs: (as_read_by_the_second, False))
    again = services.report_request(actor=lead, period=Q3, scope=_desk(lead, world))
    assert calls == [] and again.status == Report.Status.RUNNING


def test_the_job_ends_before_it_could_be_taken_as_lost():
    """A restart after STALE_AFTER_MINUTES is safe only if no computation runs that long: the
    task's time limits end it first (review of issue 16)."""
    assert compute_report.soft_time_limit < compute_report.time_limit < services.STALE_AFTER_MINUTES * 60


def test_a_report_asked_for_by_someone_deactivated_since_fails_visibly(world, django_capture_on_commit_callbacks):
    lead = world.users["team_lead"]
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_request(actor=lead, period=Q3, scope=_city(lead))
    type(lead).objects.filter(pk=lead.pk).update(is_active=False)
    compute_report(report.pk, lead.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.result == {}
