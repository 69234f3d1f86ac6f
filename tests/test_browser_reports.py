"""A team lead produces the quarterly committee report in the browser: the form, the page with
its tables and charts (the chart visible and described), the PDF downloaded and rendered with
pdftoppm (where poppler is installed; else its text is read), and the city report with its
progress bar while the job runs. axe-core on every page; screenshots under
var/screenshots/reports-*.png."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from reports.models import Report
from reports.tasks import compute_report

from .factories import PASSWORD
from .pdf_text import pdf_text
from .test_browser import SCREENSHOTS, assert_accessible
from .test_reports_figures import build
from .test_reports_web import _secrets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return build()


def _log_in(page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/anmelden/"))
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def _ask(page, scope_value: str) -> None:
    page.goto("/berichte/")
    page.locator("select[name=bereich]").select_option(scope_value)
    page.locator("input[name=zeitraum][value=quarter]").check()
    page.locator("input[name=jahr]").fill("2026")
    page.locator("select[name=quartal]").select_option("3")
    page.locator("form button[type=submit].kern-btn--primary").click()


def test_a_team_lead_produces_the_quarterly_report(page, world, tmp_path):
    _log_in(page, "r-lead")
    page.goto("/berichte/")
    assert_accessible(page, "reports-form")
    # A wrong period is named at its field, the input kept.
    page.locator("input[name=zeitraum][value=range]").check()
    page.locator("input[name=von]").fill("2026-09-30")
    page.locator("input[name=bis]").fill("2026-07-01")
    page.locator("form button[type=submit].kern-btn--primary").click()
    expect(page.locator("#id_bis-error")).to_be_visible()
    expect(page.locator("input[name=von]")).to_have_value("2026-09-30")
    assert_accessible(page, "reports-form-error")

    _ask(page, str(world.desk.pk))
    expect(page).to_have_url(re.compile(r"/berichte/\d+/$"))
    chart = page.locator("svg#chart-cases, svg[aria-labelledby^='chart-cases']").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["height"] > 40 and box["width"] > 300
    expect(page.locator("#chart-cases-t")).to_have_count(1)
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.get_by_text("< 5").first).to_be_visible()
    assert_accessible(page, "reports-quarter")

    with page.expect_download() as download_info:
        page.locator("a[href$='bericht.pdf']").click()
    pdf_path = tmp_path / "bericht.pdf"
    download_info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Hilfen in Notlagen Teststadt" in text
    assert not [secret for secret in _secrets(world) if secret in text]
    if shutil.which("pdftoppm"):
        target = SCREENSHOTS / "reports-pdf"
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4", pdf_path, target], check=True, timeout=60)  # noqa: S603, S607
        assert list(SCREENSHOTS.glob("reports-pdf-*.png"))


def test_the_city_report_shows_its_progress_until_the_job_is_done(page, world):
    _log_in(page, "r-lead")
    _ask(page, "stadt")
    expect(page).to_have_url(re.compile(r"/berichte/\d+/$"))
    progress = page.locator("progress#report-progress")
    expect(progress).to_be_visible()
    assert_accessible(page, "reports-city-progress")
    report = Report.objects.get(agency__isnull=True)
    compute_report(report.pk, world.users["team_lead"].pk)  # the worker's part
    # The page polls its status every two seconds and reloads itself when the report is ready.
    expect(page.locator("#chart-cases-t")).to_have_count(1, timeout=10_000)
    expect(page.locator("progress#report-progress")).to_have_count(0)
    assert_accessible(page, "reports-city")
