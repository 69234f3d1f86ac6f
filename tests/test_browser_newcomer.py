"""What a newcomer trips over, tried in the browser: every date readable and German, no page
wider than the screen, markdown shown as formatting, the duplicate check on an alias alone, and
an auditors' workspace that speaks German throughout. Screenshots under var/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from .test_browser import assert_accessible, enrol_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEEKDAYS = "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"
MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
# What a date string read as format characters leaves behind: time-zone names and offsets.
BROKEN_DATE = re.compile(r"\b(CET|CEST|UTC)\b|(?<=\d)[+-]\d{4}\b|\brd\d|\d{1,2}(st|nd|rd|th)\b")
LONG_DATE = re.compile(rf"({WEEKDAYS}), \d{{1,2}}\. ({MONTHS}) \d{{4}}, \d{{2}}:\d{{2}} Uhr")
GERMAN_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


@pytest.fixture
def demo_world(transactional_db):
    from fixtures.loader import load_demo_data

    load_demo_data()


def _case_id(family_name: str) -> int:
    from cases.models import Case

    return Case.objects.get(person__family_name=family_name).pk


def _check_page(page, url: str, name: str) -> str:
    page.goto(url)
    text = page.inner_text("main")
    assert not BROKEN_DATE.search(text), f"{url}: {BROKEN_DATE.search(text).group(0)!r} in {text[:300]!r}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{url} scrolls sideways: {width} px at 1280"
    assert_accessible(page, name)
    return text


def test_dates_read_right_and_no_page_scrolls_sideways(page, demo_world):
    case = _case_id("Nowak")
    log_in(page, "sozialarbeit")
    for url, name in [
        ("/", "dates-home"),
        ("/faelle/", "dates-case-list"),
        (f"/faelle/{case}/verlauf/", "dates-timeline"),
        (f"/faelle/{case}/freigaben/", "dates-grants"),
        (f"/faelle/{case}/dokumente/", "dates-documents"),
        (f"/faelle/{case}/hilfeplan/", "dates-plan"),
        ("/benachrichtigungen/", "dates-inbox"),
    ]:
        dated = url in ("/faelle/", f"/faelle/{case}/verlauf/", f"/faelle/{case}/freigaben/")
        assert GERMAN_DATE.search(_check_page(page, url, name)) or not dated, url
    overview = _check_page(page, f"/faelle/{case}/", "case-overview")
    assert LONG_DATE.search(overview), overview[:500]  # the next appointment
    appointments = _check_page(page, f"/faelle/{case}/aufgaben/", "appointments-tab")
    assert LONG_DATE.search(appointments)


def test_partner_and_team_lead_pages_fit_the_screen(page, demo_world):
    log_in(page, "jobcenter")
    for url in ("/", "/faelle/", f"/faelle/{_case_id('Nowak')}/", "/zugriffsanfragen/"):
        _check_page(page, url, "layout-jobcenter-" + (url.strip("/").replace("/", "-") or "home"))
    page.get_by_role("button", name="Abmelden").click()
    log_in(page, "teamleitung")
    for url in ("/", "/freigaben/genehmigen/", "/rollen/", "/zugriffsanfragen/"):
        _check_page(page, url, "layout-teamleitung-" + (url.strip("/").replace("/", "-") or "home"))


def test_the_summary_shows_its_formatting_not_its_markup(page, demo_world):
    log_in(page, "sozialarbeit")
    page.goto(f"/faelle/{_case_id('Albrecht')}/")
    summary = page.locator(".shell-note-text").first
    expect(summary.locator("strong", has_text="Stromsperre")).to_be_visible()
    expect(summary.locator("li")).to_have_count(2)
    assert "**" not in page.inner_text("main")


def test_the_contact_restrictions_hint_points_the_right_way(page, demo_world):
    from casework.intake import STEP_BY_KEY

    safety_step = next(key for key, step in STEP_BY_KEY.items() if "safety" in (step.areas or ()))
    log_in(page, "sozialarbeit")
    page.goto(f"/faelle/{_case_id('Karimi')}/")
    page.get_by_role("button", name="Erstgespräch führen").click()
    page.goto(f"/faelle/{_case_id('Karimi')}/erstgespraech/{safety_step}/")
    hint = page.get_by_text(re.compile("Wie die Person sicher kontaktiert werden kann"))
    expect(hint).to_contain_text("oben")
    restrictions = page.get_by_text("Keine Post an die Wohnanschrift").bounding_box()
    assert restrictions["y"] < hint.bounding_box()["y"]


def test_the_duplicate_check_finds_an_alias_alone(page, demo_world):
    """ "Sonnenblume" is a person of the counselling centre: a second record is not made silently."""
    log_in(page, "sozialarbeit")
    page.goto("/erstgespraech/")
    page.get_by_label(re.compile("^Alias")).fill("Sonnenblume")
    page.get_by_label("Anlass").fill("Beratung")
    page.get_by_label("Persönlich vorgesprochen").check()
    page.get_by_label("Sofort (heute)").check()
    page.get_by_role("button", name="Erstgespräch beginnen").click()
    elsewhere = page.get_by_text(re.compile("Ein Datensatz existiert bei Frauenberatungsstelle Lindenblatt"))
    expect(elsewhere).to_be_visible()
    assert "Erste anonyme Beratung" not in page.content()  # nothing of that record leaks
    assert_accessible(page, "duplicate-alias")


def test_the_auditors_workspace_speaks_german(page, demo_world):
    from django.core.management import call_command
    from django.db.models import Max

    from audit.models import AccessLogEntry
    from audit.sealing import seal_pending

    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while seal_pending(up_to=top):
        pass
    call_command("verify_access_log")
    log_in(page, "revision")
    enrol_second_factor(page)
    page.goto("/revision/")
    main = page.inner_text("main")
    for english in ("intake", "life_area", "timeline", "task", "appointment", "goal"):
        assert not re.search(rf"\b{english}\b", main), f"untranslated object type {english!r}"
    page.locator("#id_person").fill("12.04.1988")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_text(re.compile("Marta Nowak, geboren 12.04.1988"))).to_be_visible()
    assert_accessible(page, "auditor-search-by-birth-date")
    page.get_by_role("link", name="Wer hat auf diese Person zugegriffen? Druckbarer Bericht").click()
    first_object = page.locator("tbody tr").first.locator("td").nth(4).inner_text()
    assert first_object.strip() not in ("", "–")
    assert_accessible(page, "auditor-person-report-objects")
    page.goto("/revision/integritaet/")
    expect(page.get_by_text(re.compile(r"\(Kommandozeile\)"))).to_be_visible()
    assert "entry" not in page.inner_text("main")
