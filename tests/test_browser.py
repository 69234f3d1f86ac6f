"""Real pages in headless Chromium: every demo role logs in through the login page (with the
second factor where the role requires it), the shell is German, and axe-core finds no serious
or critical violation. Screenshots go to var/screenshots/ (CI artefacts, not committed)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django_otp.oath import totp
from playwright.sync_api import expect

from fixtures.demo_data import DEMO_PASSWORD
from fixtures.loader import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOCIAL_TASKS_STATUTE = "§ 69 Abs. 1 Nr. 1 SGB X – Übermittlung für die Erfüllung sozialer Aufgaben"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def demo_world(transactional_db):
    load_demo_data()


def assert_accessible(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert severe == [], results.generate_report()
    # No blocked asset, no CSP violation, no script error.
    assert page.console_errors == []


def log_in(page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/anmelden/"))
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def enrol_second_factor(page) -> None:
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor/einrichten/"))
    secret = page.locator(".shell-secret").inner_text().replace(" ", "")
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Sechsstelliger Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Zweiten Faktor aktivieren").click()


def test_login_page_in_the_browser(page, demo_world):
    page.goto("/anmelden/")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    assert_accessible(page, "login")


def test_wrong_password_message_in_the_browser(page, demo_world):
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill("sozialarbeit")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Benutzername oder Passwort sind nicht korrekt.")).to_be_visible()
    expect(page.get_by_label("Benutzername")).to_have_value("sozialarbeit")
    assert_accessible(page, "login-error")


@pytest.mark.parametrize(
    ("username", "role_label", "second_factor"),
    [
        ("sozialarbeit", "Sozialarbeiter:in", False),
        ("sachbearbeitung", "Sachbearbeiter:in", False),
        ("teamleitung", "Teamleitung", False),
        ("jobcenter", "Mitarbeiter:in Partner", False),
        ("beratung", "Mitarbeiter:in Partner", False),
        ("revision", "Revision / Datenschutz", True),
        ("admin", "Administration", True),
    ],
)
def test_each_demo_role_logs_in_and_sees_its_home(page, demo_world, username, role_label, second_factor):
    log_in(page, username)
    if second_factor:
        assert_accessible(page, f"{username}-second-factor")
        enrol_second_factor(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")
    expect(page.locator(".shell-user__roles")).to_contain_text(role_label)
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    assert_accessible(page, f"{username}-home")


def test_inbox_marks_read_without_reload(page, demo_world):
    log_in(page, "sozialarbeit")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Benachrichtigungen").click()
    page.get_by_role("button", name="Testbenachrichtigung an mich senden").click()
    # Without a worker in this test the welcome and test rows are delivered by the sweep.
    from notifications.tasks import sweep_outbox

    sweep_outbox()
    page.reload()
    assert_accessible(page, "inbox")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name=re.compile("Als gelesen markieren")).first.click()
    expect(page.get_by_role("cell", name="Gelesen").first).to_be_visible()
    assert page.evaluate("window.__noReload") is True  # htmx swapped the row, the page stayed


def test_language_switch_to_english(page, demo_world):
    log_in(page, "teamleitung")
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, "home-english")


def test_skip_link_moves_focus_to_main(page, demo_world):
    log_in(page, "sozialarbeit")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/")  # a fresh page: focus starts at the document
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_partner_sees_exactly_the_basic_scope_with_the_banner(page, demo_world):
    log_in(page, "jobcenter")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Fälle").click()
    assert_accessible(page, "jobcenter-case-list")
    page.get_by_role("row", name=re.compile("Nowak")).get_by_role("link").click()
    expect(page.get_by_text(re.compile("Freigabe für Jobcenter Region Hannover bis"))).to_be_visible()
    expect(page.get_by_text("Keine Post an die Wohnanschrift")).to_be_visible()  # restrictions travel along
    expect(page.get_by_role("heading", name="Lage nach Lebensbereichen")).to_have_count(0)  # basic only
    expect(page.get_by_role("link", name="Aufgaben und Termine")).to_have_count(0)
    assert_accessible(page, "jobcenter-case-detail")


def test_social_worker_opens_a_case_and_shares_it(page, demo_world):
    log_in(page, "sozialarbeit")
    page.goto("/faelle/neu/")
    page.get_by_label("Vorname").fill("Olga")
    page.get_by_label("Familienname").fill("Schmitt")
    page.get_by_label("Anlass").fill("Mietschulden")
    page.get_by_role("button", name="Prüfen und Fall anlegen").click()
    # "Olga Schmidt" is a Jobcenter record: only its existence is shown.
    expect(page.get_by_text("Ein Datensatz existiert bei Jobcenter Region Hannover.")).to_be_visible()
    assert "03.11.1979" not in page.content() and "Leistungsbezug" not in page.content()
    assert_accessible(page, "duplicate-check")
    page.get_by_role("button", name="Trotzdem neuen Datensatz anlegen").click()
    expect(page.get_by_text(re.compile(r"Fall F-\d{4}-\d{6} wurde angelegt"))).to_be_visible()
    assert_accessible(page, "case-detail-owner")
    page.get_by_role("link", name="Weitergabe und Freigaben").click()
    page.get_by_label("Träger", exact=True).select_option(label="Sozialamt Hannover")
    page.get_by_label("Umfang", exact=True).select_option("basic")
    page.get_by_label("Zweck", exact=True).fill("Übernahme von Mietschulden")
    page.get_by_label("Rechtsgrundlage", exact=True).select_option(label=SOCIAL_TASKS_STATUTE)
    page.get_by_role("button", name="Freigabe erteilen").click()
    expect(page.get_by_text("Die Freigabe wurde erteilt.")).to_be_visible()
    assert_accessible(page, "case-grants")


def test_auditor_searches_the_access_log(page, demo_world, settings):
    from cases.models import Person

    person = Person.objects.get(family_name="Nowak")  # entries are searchable unsealed
    log_in(page, "revision")
    enrol_second_factor(page)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Zugriffsprotokoll").click()
    page.locator("#id_person").fill("Nowak")  # by name: auditors do not know numbers
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_text(re.compile(f"Marta Nowak, geboren 12.04.1988 \\(Nr. {person.pk}"))).to_be_visible()
    expect(page.get_by_role("cell", name="sozialarbeit").first).to_be_visible()
    assert_accessible(page, "auditor-search")
    page.get_by_role("link", name="Wer hat auf diese Person zugegriffen? Druckbarer Bericht").click()
    expect(page.get_by_role("heading", name="Wer hat auf diese Person zugegriffen?")).to_be_visible()
    assert "Notiztext" not in page.content() and "Frauenhaus" not in page.content()  # no case content
    assert_accessible(page, "auditor-person-report")
    page.goto("/revision/pruefungen/")
    assert_accessible(page, "auditor-reviews")
    page.goto("/revision/integritaet/")
    assert_accessible(page, "auditor-integrity")


def _need(page, area: str, need: str) -> None:
    page.get_by_role("group", name=area, exact=True).get_by_label(need, exact=True).check()


def test_first_conversation_consent_and_partner_view(browser, live_server, page, demo_world):
    """A social worker runs a whole first conversation with a pseudonymous person (the draft
    survives a browser restart), gives consent to the Jobcenter with scope basic, adds notes of
    two categories; the Jobcenter partner then sees exactly the basic scope and the banner."""
    log_in(page, "sozialarbeit")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Erstgespräch").click()
    assert_accessible(page, "intake-start")
    page.get_by_label(re.compile("^Alias")).fill("Morgenrot")
    page.get_by_label("Anlass").fill("Flucht aus der gemeinsamen Wohnung")
    page.get_by_label("Persönlich vorgesprochen").check()
    page.get_by_label("Sofort (heute)").check()
    page.get_by_role("button", name="Erstgespräch beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erstgespräch")
    page.get_by_label("Was passiert ist, in den Worten der Person").fill("Kam nachts mit zwei Kindern.")
    assert_accessible(page, "intake-step-reason")
    page.get_by_role("button", name="Speichern und weiter").click()

    # Household: typed input is saved as a draft and survives closing the browser.
    page.get_by_label("Alter der Kinder").fill("4, 7")
    page.get_by_label("Notiz zum Haushalt").fill("Großmutter hilft bei der Betreuung")
    expect(page.get_by_text(re.compile("Entwurf gespeichert um"))).to_be_visible(timeout=10_000)
    case_url = page.url
    page.context.close()
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    log_in(page, "sozialarbeit")
    page.get_by_role("link", name=re.compile("Morgenrot")).click()
    assert page.url == case_url
    expect(page.get_by_label("Notiz zum Haushalt")).to_have_value("Großmutter hilft bei der Betreuung")
    expect(page.get_by_label("Alter der Kinder")).to_have_value("4, 7")
    assert_accessible(page, "intake-step-household")
    page.get_by_role("button", name="Speichern und weiter").click()

    for area in ("Wohnen", "Einkommen und Leistungen", "Schulden"):
        _need(page, area, "Unterstützung nötig")
    assert_accessible(page, "intake-step-housing")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.get_by_label("Keine Post an die Wohnanschrift").check()
    for area in ("Aufenthaltsstatus", "Gesundheit"):
        _need(page, area, "Kein Bedarf")
    _need(page, "Gewalt, Menschenhandel und Sicherheit", "Dringend")
    assert_accessible(page, "intake-step-safety")
    page.get_by_role("button", name="Speichern und weiter").click()
    for area in ("Arbeit und Ausbildung", "Bedarfe der Kinder", "Sprache"):
        _need(page, area, "Noch unklar")
    page.get_by_role("button", name="Speichern und weiter").click()

    # Consent within the conversation: Jobcenter, basic scope, orally with a witness.
    page.get_by_label("Jobcenter Region Hannover").check()
    page.get_by_label(re.compile("^Grunddaten")).check()
    page.get_by_label("Zweck").fill("Antrag auf Bürgergeld")
    page.get_by_label("Mündlich, mit Zeugin oder Zeuge").check()
    page.get_by_label("Zeugin oder Zeuge (bei mündlicher Einwilligung)").fill("Frau Demir, Kollegin")
    assert_accessible(page, "intake-step-consent")
    page.get_by_role("button", name="Einwilligung erfassen und freigeben").click()
    expect(page.get_by_text("Die Einwilligung wurde erfasst")).to_be_visible()
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_label("Vereinbarte nächste Schritte").fill("Morgen Termin im Jobcenter.")
    assert_accessible(page, "intake-step-finish")
    page.get_by_role("button", name="Erstgespräch abschließen").click()
    expect(page.get_by_role("heading", name="Lage nach Lebensbereichen")).to_be_visible()
    expect(page.get_by_text("Keine Post an die Wohnanschrift")).to_be_visible()
    assert_accessible(page, "workspace-overview-owner")

    # Notes of two categories, saved without a page load.
    page.get_by_role("link", name="Verlauf und Notizen").click()
    page.evaluate("window.__noReload = true")
    for category, text in (("general", "Kita-Platz angefragt."), ("health", "Braucht ärztliche Versorgung.")):
        page.get_by_label("Kategorie").select_option(category)
        page.get_by_label("Notiz", exact=True).fill(text)
        page.get_by_role("button", name="Notiz speichern").click()
        expect(page.get_by_text(text)).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    assert_accessible(page, "workspace-timeline-owner")
    context.close()

    # The Jobcenter sees the case with the banner, cut to the basic scope.
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    log_in(page, "jobcenter")
    page.goto("/faelle/")
    page.get_by_role("row", name=re.compile("Morgenrot")).get_by_role("link").click()
    expect(
        page.get_by_text(re.compile("Freigabe für Jobcenter Region Hannover bis .*Zweck: Antrag auf Bürgergeld"))
    ).to_be_visible()
    # Reason and summary are free text that may name violence: not with the basic scope.
    expect(page.get_by_text("Kam nachts mit zwei Kindern.")).to_have_count(0)
    expect(page.get_by_text("Anlass nicht freigegeben")).to_be_visible()
    expect(page.get_by_role("heading", name="Lage nach Lebensbereichen")).to_have_count(0)
    assert_accessible(page, "workspace-overview-partner-basic")
    page.get_by_role("link", name="Verlauf und Notizen").click()
    expect(page.get_by_text("Kita-Platz angefragt.")).to_have_count(0)
    expect(page.get_by_text("Braucht ärztliche Versorgung.")).to_have_count(0)
    expect(page.get_by_role("button", name="Notiz speichern")).to_have_count(0)
    assert_accessible(page, "workspace-timeline-partner-basic")
    context.close()
