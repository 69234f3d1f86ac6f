"""Financial help in the browser, as the desk works it: the social worker requests, a clerk
approves (four eyes), exports the SEPA file and books the payment; the cash voucher renders
and says the amount in words. axe-core on every page; screenshots under var/screenshots/."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from .test_browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(transactional_db):
    from fixtures.loader import load_demo_data

    load_demo_data()


def _case_id(family_name: str) -> int:
    from cases.models import Case

    return Case.objects.get(person__family_name=family_name).pk


def _request_as_social_worker(page, case_id: int) -> str:
    log_in(page, "sozialarbeit")
    page.goto(f"/faelle/{case_id}/finanzielle-hilfe/")
    assert_accessible(page, "payments-case-tab")
    page.locator("summary", has_text="Finanzielle Hilfe beantragen").click()
    page.get_by_label("Fonds").select_option(label="Notfallfonds OE 50.25")
    page.get_by_label("Zweck", exact=True).select_option(label="Lebensmittel")
    page.get_by_label("Betrag in Euro").fill("234,50")
    page.get_by_label("Begründung").fill("Lebensmittel für drei Personen bis zur ersten Leistung")
    page.get_by_label("Eine dritte Stelle", exact=False).check()
    page.get_by_label("Name der dritten Stelle", exact=False).fill("Tafel Hannover e. V.")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Zahlung beantragen").click()
    expect(page.locator(".kern-alert--success, [role=status]").first).to_be_visible()
    row = page.locator("tr", has_text="234,50 €").first
    expect(row).to_be_visible()
    return row.locator("a").first.inner_text()


def test_request_approve_export_and_book(page, demo_world):
    case_id = _case_id("Nowak")
    voucher = _request_as_social_worker(page, case_id)
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "sachbearbeitung")
    page.goto("/zahlungen/")
    assert_accessible(page, "payments-queue")
    page.get_by_role("link", name=voucher).first.click()
    assert_accessible(page, "payments-detail-to-approve")
    page.get_by_role("button", name="Freigeben").click()
    expect(page.locator("h2", has_text=voucher)).to_contain_text("Freigegeben")

    page.goto("/zahlungen/")
    page.get_by_role("button", name="SEPA-Datei erstellen").click()
    link = page.locator("a", has_text=re.compile(r"^sepa-.*\.xml$")).first
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    content = open(download.value.path(), "rb").read()
    assert b"pain.001.001.09" in content and b"234.50" in content

    page.get_by_role("link", name=voucher).first.click()
    page.get_by_label("Ausgezahlt am").fill(__import__("datetime").date.today().isoformat())
    page.get_by_role("button", name="Als ausgezahlt buchen").click()
    expect(page.locator("h2", has_text=voucher)).to_contain_text("Ausgezahlt")
    assert_accessible(page, "payments-detail-paid")
    page.goto("/zahlungen/budgets/")
    assert_accessible(page, "payments-budgets")
    expect(page.locator("svg.shell-chart").first).to_be_visible()


@pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_cash_voucher_renders_with_the_amount_in_words(page, demo_world, tmp_path):
    from payments.models import Export

    cash = Export.objects.get(format="cash")
    log_in(page, "sachbearbeitung")
    page.goto("/zahlungen/")
    with page.expect_download() as download:
        page.get_by_role("link", name=cash.filename).click()
    pdf = tmp_path / "voucher.pdf"
    pdf.write_bytes(open(download.value.path(), "rb").read())
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)  # noqa: S603, S607
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    assert "einhundertfünfzig Euro" in text and "Auszahlungsanordnung" in text
    assert "Sachlich und rechnerisch richtig" in text
