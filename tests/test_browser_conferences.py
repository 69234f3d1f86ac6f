"""Case conferences in the browser: the social worker convenes a conference and invites the
Jobcenter on the person's consent; the Jobcenter sees the conference, confirms the
confidentiality statement and opens the case within the shared scope; the social worker writes
the minutes (the draft is kept as they type) and records an action for the Jobcenter, which
appears as a task in the case workspace. axe-core on every page; screenshots
var/screenshots/conference-*.png. Fields are found by name: the page's words are translated."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .factories import PASSWORD
from .test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username: str) -> None:
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).not_to_have_url(re.compile(r"/anmelden/"))


def _log_out(page) -> None:
    page.get_by_role("button", name="Abmelden").click()


def _convene(page, world) -> int:
    _log_in(page, "sw")
    page.goto(f"/faelle/{world.case.pk}/fallkonferenzen/")
    assert_accessible(page, "conference-case-tab")
    page.locator(f"a[href='/faelle/{world.case.pk}/fallkonferenzen/neu/']").click()
    assert_accessible(page, "conference-convene")
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0)
    page.locator("[name=title]").fill("Fallkonferenz Wohnung und Arbeit")
    page.locator("[name=purpose]").fill("Wohnungssicherung und Arbeitsaufnahme abstimmen")
    page.locator("[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=ends_at]").fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=place]").fill("Stadtteilbüro Nordend")
    page.locator("[name=agenda]").fill("Stand der Wohnung\nArbeitsaufnahme")
    page.locator("[name=guests]").fill("Frau Weber, Schule am Buchhügel")
    page.locator("[name=p0-agency]").select_option(str(world.jobcenter.pk))
    page.locator("[name=p0-scope]").select_option("collaborate")
    page.locator("[name=p0-legal_basis]").select_option(f"consent:{world.consent.pk}")
    page.locator("form.shell-form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text("Fallkonferenz Wohnung und Arbeit")
    expect(page.locator("main")).to_contain_text("MainArbeit Offenbach")
    assert_accessible(page, "conference-detail-owner")
    conference_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    _log_out(page)
    return conference_id


def _partner_sees(page, world, conference_id: int) -> None:
    _log_in(page, "jc")
    page.goto("/fallkonferenzen/")
    assert_accessible(page, "conference-mine")
    page.locator(f"a[href='/fallkonferenzen/{conference_id}/']").click()
    expect(page.locator("h1")).to_contain_text("Fallkonferenz Wohnung und Arbeit")
    assert_accessible(page, "conference-detail-partner-unconfirmed")
    page.locator(f"form[action='/fallkonferenzen/{conference_id}/bestaetigen/'] button").click()
    expect(page.locator(f"a[href='/fallkonferenzen/{conference_id}/protokoll.pdf']")).to_be_visible()
    assert_accessible(page, "conference-detail-partner-confirmed")
    page.locator(f"a[href='/faelle/{world.case.pk}/']").click()
    expect(page.locator("main")).to_contain_text("Nowak")
    assert_accessible(page, "conference-case-seen-by-partner")
    _log_out(page)


def _minutes_and_action(page, world, conference_id: int) -> None:
    _log_in(page, "sw")
    page.goto(f"/fallkonferenzen/{conference_id}/")
    page.locator("[name=minutes-minutes]").fill("Frau N. hat eine Wohnung in Aussicht. MainArbeit prüft BuT.")
    expect(page.locator("#draft-status")).not_to_be_empty(timeout=5000)
    page.reload()
    expect(page.locator("[name=minutes-minutes]")).to_have_value(
        "Frau N. hat eine Wohnung in Aussicht. MainArbeit prüft BuT."
    )
    page.locator("[name=action-agency]").select_option(str(world.jobcenter.pk))
    page.locator("[name=action-assignee]").select_option(str(world.users["jc"].pk))
    page.locator("[name=action-text]").fill("BuT-Antrag mit der Familie stellen")
    page.locator("[name=action-due_on]").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.locator(f"form[action='/fallkonferenzen/{conference_id}/massnahme/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("BuT-Antrag mit der Familie stellen")
    assert_accessible(page, "conference-detail-minutes-action")
    _log_out(page)


def test_convene_invite_jobcenter_minutes_action_becomes_task(page, transactional_db):
    from .conferences_world import build

    world = build()
    conference_id = _convene(page, world)
    _partner_sees(page, world, conference_id)
    _minutes_and_action(page, world, conference_id)
    _log_in(page, "jc")
    page.goto(f"/faelle/{world.case.pk}/aufgaben/")
    expect(page.locator("main")).to_contain_text("BuT-Antrag mit der Familie stellen")
    assert_accessible(page, "conference-task-in-workspace")
