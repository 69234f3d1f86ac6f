"""The data-protection officer produces an Art. 15 report in the browser: logs in with the second
factor, finds Marta Nowak, opens the request (a missing identity note is named at the field, the
input kept), previews the report, downloads the PDF (its text read, its first page rendered with
pdftoppm where installed) and marks the request as answered. axe-core on every page; screenshots
under var/screenshots/privacy-*.png. Labels of this new app are matched in German or English,
so the test holds before and after the German catalogue has its strings."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import confirmed_device, current_token
from .factories import PASSWORD
from .test_browser import SCREENSHOTS, assert_accessible
from .test_privacy_world import SECOND, build_privacy_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def either(german: str, english: str):
    return re.compile(f"^(?:{re.escape(german)}|{re.escape(english)})$")


@pytest.fixture
def privacy_world(transactional_db):
    return build_privacy_world()


def _log_in_with_second_factor(page, user) -> None:
    device = confirmed_device(user)
    page.goto("/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.locator("input[name=token]").fill(current_token(device))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page).to_have_url(re.compile(r"/$"))


def _open_the_request(page) -> None:
    page.get_by_role("link", name=either("Antrag öffnen", "Open a request")).click()
    page.locator("input[name=q]").fill("Nowak")
    page.locator("input[name=q]").press("Enter")
    expect(page.get_by_text("Marta Nowak")).to_be_visible()
    assert SECOND["family_name"] not in page.content()
    assert_accessible(page, "privacy-search")
    page.get_by_role("link", name=either("Marta Nowak auswählen", "Choose Marta Nowak")).click()
    page.locator("input[name=kind][value=access]").check()
    page.locator("select[name=identity_document]").select_option("id_card")
    page.locator("textarea[name=details]").fill("Möchte wissen, wer ihre Akte gesehen hat")
    page.get_by_role("button", name=either("Antrag öffnen", "Open the request")).click()
    expect(page.locator("#id_identity_note-error")).to_be_visible()
    expect(page.locator("textarea[name=details]")).to_have_value("Möchte wissen, wer ihre Akte gesehen hat")
    assert_accessible(page, "privacy-open-error")
    page.locator("input[name=identity_note]").fill("Personalausweis vorgelegt, Angaben stimmen überein")
    page.get_by_role("button", name=either("Antrag öffnen", "Open the request")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"DS-\d{4}-\d{5}"))


def _check_the_pdf(path, tmp_path) -> None:
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        return
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    assert "Nowak" in text and "Partner collaborate" in text
    assert SECOND["family_name"] not in text and SECOND["note"] not in text
    assert "Notiztext-violence-7f3a" not in text and "Nennt die Nachbarin" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(path), str(SCREENSHOTS / "privacy-report-pdf")],  # noqa: S607
        check=True,
    )


def test_the_officer_produces_an_access_report(page, privacy_world, tmp_path):
    _log_in_with_second_factor(page, privacy_world.users["auditor"])
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    navigation.get_by_role("link", name=either("Betroffenenanträge", "Data-subject requests")).click()
    assert_accessible(page, "privacy-list")
    _open_the_request(page)
    assert_accessible(page, "privacy-request")
    page.get_by_role("link", name=either("Auskunft ansehen", "Preview the report")).click()
    expect(page.locator(".shell-note-text", has_text="Notiztext-violence-7f3a")).to_be_visible()
    assert SECOND["family_name"] not in page.content()
    assert_accessible(page, "privacy-report")
    # Art. 15(4): the violence note names a neighbour; the officer withholds it from the copy.
    violence = page.locator("select[name=record] option", has_text="Notiztext-violence").get_attribute("value")
    page.locator("select[name=record]").select_option(violence)
    page.locator("input[name=reason]").fill("Nennt die Nachbarin und ihre Aussage")
    page.get_by_role("button", name=either("Aus der Kopie herausnehmen", "Withhold from the copy")).click()
    expect(page.get_by_text("Nennt die Nachbarin und ihre Aussage")).to_be_visible()
    assert_accessible(page, "privacy-report-withheld")
    with page.expect_download() as download:
        page.get_by_role("link", name=either("Als PDF herunterladen", "Download as PDF")).click()
    pdf = tmp_path / "auskunft.pdf"
    download.value.save_as(pdf)
    _check_the_pdf(pdf, tmp_path)
    page.get_by_role("link", name=either("Zurück zum Antrag", "Back to the request")).click()
    page.locator("input[name=note]").fill("Am Schalter persönlich übergeben")
    page.get_by_role("button", name=either("Als beantwortet markieren", "Mark as answered")).click()
    expect(page.get_by_role("status").or_(page.locator(".shell-messages")).first).to_be_visible()
    expect(page.get_by_text(re.compile("Erledigt|Done")).first).to_be_visible()
    assert_accessible(page, "privacy-answered")
