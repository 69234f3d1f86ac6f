"""The city report through a real Celery worker and Redis: asked for on the page, computed by
the job after the request committed (the job re-checks the right and is refused nothing)."""

import time

import pytest

from audit.models import AccessLogEntry
from reports.models import Report

from .conftest import login
from .test_reports_figures import build

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_computes_the_city_report(client, celery_worker):
    world = build()
    lead = world.users["team_lead"]
    login(client, lead)
    response = client.post("/berichte/", {"bereich": "stadt", "zeitraum": "quarter", "jahr": "2026", "quartal": "3"})
    assert response.status_code == 302
    report = Report.objects.get()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Report.objects.get(pk=report.pk).status != Report.Status.DONE:
        time.sleep(0.1)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.progress == 100
    assert report.result["sections"][0]["total"]["cells"][0] == [26, "shown"]
    assert not AccessLogEntry.objects.filter(outcome="denied").exists()
    page = client.get(f"/berichte/{report.pk}/").content.decode()
    assert "chart-cases-t" in page
