"""Referrals in the browser, as the people do it: the social worker searches the directory from
a case and refers the person to the women's counselling centre; `beratung` accepts in its
inbox, sees the case within what was shared (and not more), and reports the first contact; the
social worker sees the answer. axe-core on every page; screenshots under var/screenshots/."""

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


def _refer_as_social_worker(page, case_id: int) -> None:
    log_in(page, "sozialarbeit")
    page.goto(f"/faelle/{case_id}/vermittlungen/")
    assert_accessible(page, "referrals-case-tab")
    page.get_by_role("link", name="Hilfeangebot suchen und vermitteln").click()
    search = page.get_by_role("search")
    search.get_by_label("Kategorie").select_option(label="Schutz vor Gewalt")
    search.get_by_label("Sprache").select_option(label="Polnisch")
    search.get_by_role("button", name="Suchen").click()
    assert_accessible(page, "referrals-directory-from-case")
    offer = page.locator("article, tr, li", has_text="Beratung bei häuslicher Gewalt").first
    offer.get_by_role("link", name="An dieses Angebot vermitteln").click()
    assert_accessible(page, "referrals-create")
    page.get_by_label("Zweck").fill("Beratung und Schutzplanung nach Trennung")
    page.get_by_label("Zusammenarbeit", exact=False).first.check()
    page.get_by_label("Rechtsgrundlage").select_option(index=1)
    page.get_by_label("Nachricht an den Träger").fill("Spricht Deutsch und Englisch; erreichbar vormittags.")
    page.get_by_role("button", name="Vermittlung senden").click()
    expect(page.locator("h1")).to_contain_text("Vermittlung")
    expect(page.locator("main")).to_contain_text("Gesendet")
    assert_accessible(page, "referrals-detail-sent")
    page.get_by_role("button", name="Abmelden").click()


def test_refer_accept_see_the_case_and_report_back(page, demo_world):
    case_id = _case_id("Lorenz")
    _refer_as_social_worker(page, case_id)

    log_in(page, "beratung")
    page.goto("/vermittlungen/eingang/")
    assert_accessible(page, "referrals-inbox")
    page.goto(f"/faelle/{case_id}/")
    expect(page.locator("h1")).to_contain_text("nicht gefunden", ignore_case=True)
    page.console_errors.clear()  # the 404 just asked for is expected
    page.goto("/vermittlungen/eingang/")
    page.locator("tr", has_text="Beratung bei häuslicher Gewalt").get_by_role("link").first.click()
    page.get_by_role("button", name="Annehmen").click()
    expect(page.locator("main")).to_contain_text("Angenommen")
    page.get_by_role("link", name="Fall öffnen (im geteilten Umfang)").click()
    expect(page.locator("main")).to_contain_text("Lorenz")
    assert_accessible(page, "referrals-case-seen-by-receiver")
    page.go_back()
    page.get_by_label("Erstkontakt am").fill(__import__("datetime").date.today().isoformat())
    page.get_by_role("button", name="Erstkontakt erfassen").click()
    expect(page.locator("main")).to_contain_text("Erstkontakt hergestellt")
    assert_accessible(page, "referrals-detail-first-contact")
    page.get_by_role("button", name="Abmelden").click()

    from notifications.models import Notification

    told = Notification.objects.filter(recipient__username="sozialarbeit", kind="referral.first_contact")
    assert told.filter(channel="in_app").exists() and told.filter(channel="email").exists()
    log_in(page, "sozialarbeit")
    page.goto("/vermittlungen/ausgang/")
    expect(page.locator("tr", has_text="Beratung bei häuslicher Gewalt").first).to_contain_text("Erstkontakt")
    assert_accessible(page, "referrals-outgoing")
