"""Consultation hours in the browser, on the demo world: the public page, its calendar link and
the poster without login; MainArbeit's staff record a contact (a wrong date named at the field)
and book a slot; its team lead reads the uptake report with its chart. axe-core on every page;
screenshots under var/screenshots/consultations-*.png."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from agencies.models import Agency
from agencies.roles import Role
from fixtures import demo_data
from fixtures.demo_consultations import STAFF_USERNAME, load_consultations

from .factories import member
from .test_browser import SCREENSHOTS, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEAD = "mainarbeit-leitung"


@pytest.fixture
def demo_world(transactional_db):
    from fixtures.loader import load_demo_data

    load_demo_data()
    agencies = {spec["key"]: Agency.objects.get(name=spec["name"]) for spec in demo_data.AGENCIES}
    # The demo's MainArbeit accounts, made here where the demo does not have them (yet).
    if not User.objects.filter(username=STAFF_USERNAME).exists():
        member(Role.PARTNER_STAFF, agencies["mainarbeit"], username=STAFF_USERNAME, password=demo_data.DEMO_PASSWORD)
    if not User.objects.filter(username=LEAD).exists():
        member(
            Role.TEAM_LEAD,
            agencies["mainarbeit"],
            username=LEAD,
            first_name="Lea",
            last_name="Leitung",
            password=demo_data.DEMO_PASSWORD,
        )
    load_consultations(agencies)
    return agencies


def _row_link(page, hour: str, action: str):
    row = page.get_by_role("row", name=re.compile(re.escape(hour)))
    return row.get_by_role("link", name=re.compile(f"^{action}"))


def test_the_public_page_and_the_poster_without_login(page, demo_world):
    page.goto("/sprechstunden/")
    expect(page).to_have_url(re.compile(r"/sprechstunden/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprechstunden in den Stadtteilen")
    expect(page.get_by_role("heading", name="BuT-Sprechstunde")).to_be_visible()
    expect(page.get_by_role("heading", name="SGB-II-Beratung")).to_be_visible()
    expect(page.get_by_text("Fällt aus", exact=False).or_(page.get_by_text("abgesagt")).first).to_be_visible()
    assert_accessible(page, "consultations-public")
    feed = page.get_by_role("link", name="Kalender der Sprechstunden in Nordend")
    calendar = page.request.get(feed.get_attribute("href"))
    assert calendar.ok and calendar.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in calendar.text() and "TZID=Europe/Berlin" in calendar.text()
    page.get_by_role("link", name="Aushang für Stadtteilbüro Nordend").first.click()
    expect(page.locator("h1")).to_have_text("Sprechstunden")
    expect(page.get_by_role("heading", name="BuT-Sprechstunde")).to_be_visible()
    assert_accessible(page, "consultations-poster")
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "consultations-poster-print.png"), full_page=True)


def test_staff_record_a_contact_and_book_a_slot(page, demo_world):
    log_in(page, STAFF_USERNAME)
    page.goto("/sprechstunden/verwalten/")
    assert_accessible(page, "consultations-hours")
    _row_link(page, "BuT-Sprechstunde", "Kontakt erfassen").click()
    page.get_by_label("Datum des Kontakts").fill("2001-01-02")
    page.get_by_label("Thema").select_option(label="Bildung und Teilhabe (BuT)")
    page.get_by_label("Erstkontakt", exact=True).check()
    page.get_by_label("Antrag gestellt").check()
    page.get_by_role("button", name="Kontakt speichern").click()
    expect(page.locator("#id_date-error")).to_contain_text("findet die Sprechstunde nicht statt")
    expect(page.get_by_label("Thema")).to_have_value("but_education")
    assert_accessible(page, "consultations-contact-error")
    page.goto("/sprechstunden/verwalten/")
    page.get_by_role("link", name="SGB-II-Beratung", exact=True).click()
    expect(page.get_by_role("heading", name="Termine", exact=True)).to_be_visible()
    # The demo booked 14:00 on the first date: the form says so at the field, and keeps the input.
    page.get_by_label("Bezeichnung").fill("Reservierung 3")
    page.get_by_role("button", name="Buchen").click()
    expect(page.locator("#id_starts_at-error")).to_contain_text("Diese Zeit ist bereits gebucht.")
    expect(page.get_by_label("Bezeichnung")).to_have_value("Reservierung 3")
    assert_accessible(page, "consultations-booking-error")
    page.get_by_label("Uhrzeit des Termins").select_option(label="14:20–14:40")
    page.get_by_role("button", name="Buchen").click()
    expect(page.get_by_text("Der Termin wurde gebucht.")).to_be_visible()
    assert_accessible(page, "consultations-hour")


def test_the_team_lead_reads_the_uptake_report(page, demo_world):
    log_in(page, LEAD)
    page.goto("/sprechstunden/auswertung/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inanspruchnahme der Sprechstunden")
    expect(page.locator("svg.shell-chart")).to_be_visible()
    expect(page.get_by_role("heading", name="Kontakte nach Thema")).to_be_visible()
    assert_accessible(page, "consultations-uptake")
    with page.expect_download() as download:
        page.get_by_role("link", name="Als CSV herunterladen (für Tabellenkalkulation)").click()
    content = open(download.value.path(), "rb").read()
    assert content.startswith("\ufeff".encode()) and "Gliederung;Ausprägung;Kontakte".encode() in content
    page.goto("/sprechstunden/verwalten/")
    _row_link(page, "BuT-Sprechstunde", "Bearbeiten").click()
    assert_accessible(page, "consultations-edit")
    page.get_by_role("link", name="Zurück").click()
    page.locator("#exception-form").get_by_label("Datum").fill("2030-01-02")  # a Wednesday
    page.get_by_role("button", name="Ausnahme eintragen").click()
    expect(page.locator("#exception-form .kern-error")).to_contain_text("ohnehin nicht statt")
    assert_accessible(page, "consultations-hour-lead")
