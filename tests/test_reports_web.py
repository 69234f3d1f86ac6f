"""Committee reports on the web: who may produce them (team leads and the reporting role; every
other role gets the logged 404), the form's German errors, the page with its tables and
accessible charts, the PDF, CSV and Excel downloads without any name, birth date or case
number, and the log entry of every production and download."""

import io

import pytest
from openpyxl import load_workbook

from audit.models import AccessLogEntry
from reports.models import Report

from .conftest import confirmed_device, login
from .pdf_text import pdf_text
from .test_reports_figures import SECRET_NAMES, build

pytestmark = pytest.mark.django_db

Q3 = {"bereich": "", "zeitraum": "quarter", "jahr": "2026", "quartal": "3"}


@pytest.fixture
def world(db):
    return build()


def _log_in(client, user):
    device = confirmed_device(user) if user.username in ("r-auditor", "r-admin") else None
    login(client, user, device=device)


def _produce(client, world, **changes):
    data = {**Q3, "bereich": str(world.desk.pk), **changes}
    return client.post("/berichte/", data)


@pytest.mark.parametrize("role", ["team_lead", "reporting"])
def test_team_leads_and_the_reporting_role_produce_the_quarter(client, world, role):
    _log_in(client, world.users[role])
    assert client.get("/berichte/").status_code == 200
    response = _produce(client, world)
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == f"/berichte/{report.pk}/"
    assert report.status == Report.Status.DONE and report.agency == world.desk  # a quarter: computed at once
    page = client.get(response["Location"]).content.decode()
    assert "Fälle" in page or "Cases" in page
    entries = AccessLogEntry.objects.filter(object_type="report", actor=world.users[role])
    assert {e.action for e in entries} >= {"create", "view"}
    assert all(not e.case_ids and not e.person_ids and e.outcome == "allowed" for e in entries)


@pytest.mark.parametrize("role", ["social_worker", "clerk", "partner_worker", "auditor", "administrator"])
def test_everyone_else_gets_the_logged_404(client, world, role):
    user = world.users[role]
    _log_in(client, user)
    report = Report.objects.create(created_by=world.users["team_lead"], first_day="2026-07-01", last_day="2026-09-30")
    for url in ("/berichte/", f"/berichte/{report.pk}/", f"/berichte/{report.pk}/bericht.pdf"):
        before = AccessLogEntry.objects.filter(actor=user, outcome="denied").count()
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        assert AccessLogEntry.objects.filter(actor=user, outcome="denied").count() == before + 1
    assert _produce(client, world).status_code == 404


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get("/berichte/")
    assert response.status_code == 302 and response["Location"].startswith("/anmelden/")


def test_a_team_lead_of_another_agency_cannot_open_the_desks_report(client, world):
    report = Report.objects.create(
        created_by=world.users["team_lead"], first_day="2026-07-01", last_day="2026-09-30", agency=world.desk
    )
    lead = world.users["partner_lead"]
    _log_in(client, lead)
    assert client.get(f"/berichte/{report.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(actor=lead, outcome="denied", object_type="report").exists()
    # Nor ask for the desk's figures: the desk is no choice of theirs.
    page = _produce(client, world)
    assert page.status_code == 200 and not Report.objects.filter(agency=world.desk, created_by=lead).exists()


def test_the_form_says_what_is_wrong_in_german_and_keeps_the_input(client, world):
    _log_in(client, world.users["team_lead"])
    response = _produce(client, world, zeitraum="range", von="2026-09-30", bis="2026-07-01")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Der letzte Tag darf nicht vor dem ersten Tag liegen." in page or "must not be before" in page
    assert 'value="2026-09-30"' in page and 'value="2026-07-01"' in page
    response = _produce(client, world, quartal="", jahr="abc")
    page = response.content.decode()
    assert "This field is required" not in page and "Enter a whole number" not in page
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-07-02", "2026-09-30", "Ein freier Zeitraum beginnt am ersten Tag eines Monats."),
        ("2026-07-01", "2026-09-29", "Ein freier Zeitraum endet am letzten Tag eines Monats."),
    ],
)
def test_a_free_period_is_whole_months_so_reports_cannot_be_subtracted_to_a_day(client, world, first, last, message):
    _log_in(client, world.users["team_lead"])
    page = _produce(client, world, zeitraum="range", von=first, bis=last).content.decode()
    assert message in page and not Report.objects.exists()
    assert _produce(client, world, zeitraum="range", von="2026-07-01", bis="2026-08-31").status_code == 302


def test_the_page_shows_tables_and_accessible_charts_and_hides_small_counts(client, world):
    _log_in(client, world.users["team_lead"])
    page = client.get(_produce(client, world)["Location"]).content.decode()
    assert '<svg class="shell-chart"' in page and 'role="img"' in page
    assert '<title id="chart-cases-t">' in page and '<desc id="chart-cases-d">' in page
    assert "&lt; 5" in page and "×" in page
    assert "<script" not in page.split("</head>", 1)[1]  # no inline script in the body
    assert ' style="' not in page


def _secrets(world) -> list[str]:
    secrets = [*SECRET_NAMES, "Jolanta", "1961-04-17", "17.04.1961", "17.4.1961"]
    return secrets + [case.reference for case in world.cases]


def test_downloads_carry_the_figures_and_nothing_personal(client, world):
    _log_in(client, world.users["team_lead"])
    location = _produce(client, world)["Location"]
    report = Report.objects.get()
    texts = {"page": client.get(location).content.decode()}
    pdf = client.get(f"{location}bericht.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    texts["pdf"] = pdf_text(pdf.content)
    csv = client.get(f"{location}bericht.csv")
    texts["csv"] = csv.content.decode("utf-8-sig")
    xlsx = client.get(f"{location}bericht.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    texts["xlsx"] = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    for name, text in texts.items():
        for secret in _secrets(world):
            assert secret not in text, (name, secret)
    assert "Hilfen in Notlagen Teststadt" in texts["pdf"] and "< 5" in texts["pdf"]
    assert "2100,49 EUR" in texts["pdf"] or "2.100,49 EUR" in texts["pdf"]
    assert "< 5" in texts["csv"] and "2.100,49 €" in texts["csv"]
    assert "Hilfen in Notlagen Teststadt" in texts["xlsx"]
    exports = AccessLogEntry.objects.filter(object_type="report", action="export", object_ids__contains=[report.pk])
    assert exports.count() == 3


def test_money_in_excel_is_a_number_and_hidden_cells_are_marks(client, world):
    _log_in(client, world.users["team_lead"])
    location = _produce(client, world)["Location"]
    book = load_workbook(io.BytesIO(client.get(f"{location}bericht.xlsx").content))
    values = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert 2100.49 in [float(v) for v in values if isinstance(v, int | float)]
    assert "< 5" in values and "×" in values


def test_the_cached_inventory_is_shown_only_to_who_may_see_the_inventory(client, world):
    """The inventory section is read with the rights of whoever computed the report; the cache
    is shared, so a viewer without INVENTORY_VIEW does not get it from there (review of issue 16)."""
    from unittest import mock

    _log_in(client, world.users["team_lead"])
    location = _produce(client, world)["Location"]
    assert "section-inventory" in client.get(location).content.decode()
    with mock.patch("reports.views.may", return_value=None):
        page = client.get(location).content.decode()
        csv = client.get(f"{location}bericht.csv").content.decode("utf-8-sig")
    assert "section-inventory" not in page and "section-cases" in page
    inventory_title = "Hilfeangebote im Verzeichnis"
    assert inventory_title not in csv and "Help offers in the directory" not in csv


def test_a_quarter_yet_to_come_is_refused(world):
    """In February, the fourth quarter has no figures yet; its empty report would be cached
    (review of issue 16)."""
    from datetime import date
    from unittest import mock

    from reports.forms import ReportForm
    from reports.scopes import scopes_for

    scopes = scopes_for(world.users["team_lead"])
    data = {**Q3, "bereich": scopes[0].value}
    with mock.patch("reports.forms.timezone.localdate", return_value=date(2026, 2, 1)):
        assert not ReportForm({**data, "quartal": "4"}, scopes=scopes).is_valid()
        assert ReportForm({**data, "quartal": "1"}, scopes=scopes).is_valid()


def test_figures_computed_before_the_period_ended_say_so(client, world):
    """The cache keeps a report of a running period (this year) as it was on the day it was
    computed; the page says so (review of issue 16)."""
    from datetime import datetime

    from django.utils import timezone

    _log_in(client, world.users["team_lead"])
    location = _produce(client, world)["Location"]
    notice = "noch nicht zu Ende"
    assert notice not in client.get(location).content.decode()  # Q3 2026 ended before it was computed
    Report.objects.update(computed_at=datetime(2026, 9, 30, 23, 0, tzinfo=timezone.get_current_timezone()))
    page = client.get(location).content.decode()
    assert notice in page or "had not ended" in page
