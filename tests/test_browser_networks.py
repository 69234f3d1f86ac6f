"""Network meetings in the browser: the social worker opens the network, plans a meeting,
writes minutes that name a client on record — the anonymity warning appears at the field as
they type, and again after a reload with the kept draft — and records an action for the
Jobcenter, whose member marks it done. axe-core on every page; screenshots
var/screenshots/network-*.png. Fields are found by name: the page's words are translated."""

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


def _plan(page, world) -> int:
    page.goto("/netzwerke/")
    assert_accessible(page, "network-list")
    page.locator(f"a[href='/netzwerke/{world.network.pk}/']").first.click()
    expect(page.locator("h1")).to_contain_text("Netzwerk Nordend")
    assert_accessible(page, "network-detail")
    page.locator(f"a[href='/netzwerke/{world.network.pk}/treffen/neu/']").click()
    assert_accessible(page, "network-plan")
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0)
    page.locator("[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=ends_at]").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=place]").fill("Stadtteilbüro Nordend")
    page.locator("[name=agenda]").fill("Runde\nFallbesprechung (anonym)")
    page.locator("form.shell-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/netzwerktreffen/\d+/$"))
    expect(page.locator("main")).to_contain_text("Fallbesprechung (anonym)")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _minutes_with_a_name(page, meeting_id: int) -> None:
    text = "Runde: Lage im Stadtteil. Frau Nowak sucht eine Wohnung."
    page.locator("[name=minutes-minutes]").fill(text)
    warning = page.locator("#minutes-names .kern-alert--warning")
    expect(warning).to_contain_text("„Nowak“", timeout=5000)
    expect(page.locator("#draft-status")).not_to_be_empty()
    assert_accessible(page, "network-minutes-warning")
    page.reload()
    expect(page.locator("[name=minutes-minutes]")).to_have_value(text)
    expect(warning).to_contain_text("„Nowak“")
    page.locator("[name=minutes-minutes]").fill("Runde: Lage im Stadtteil. Eine Mutter sucht eine Wohnung.")
    expect(warning).to_have_count(0, timeout=5000)


def _action(page, world, meeting_id: int) -> None:
    page.locator("[name=action-agency]").select_option(str(world.jobcenter.pk))
    page.locator("[name=action-assignee]").select_option(str(world.users["jc"].pk))
    page.locator("[name=action-text]").fill("Merkblatt zu Nebenkosten erstellen")
    page.locator("[name=action-due_on]").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.locator(f"form[action='/netzwerktreffen/{meeting_id}/massnahme/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Merkblatt zu Nebenkosten erstellen")
    assert_accessible(page, "network-meeting-convener")


def test_plan_minutes_warn_about_a_name_action_done_by_the_jobcenter(page, transactional_db):
    from .test_networks_services import NetworkWorld

    world = NetworkWorld()
    _log_in(page, "sw")
    meeting_id = _plan(page, world)
    _minutes_with_a_name(page, meeting_id)
    _action(page, world, meeting_id)
    _log_out(page)
    _log_in(page, "jc")
    page.goto(f"/netzwerktreffen/{meeting_id}/")
    expect(page.locator("[name=minutes-minutes]")).to_have_count(0)
    assert_accessible(page, "network-meeting-participant")
    page.locator("form[action^='/netzwerktreffen/massnahmen/'] button[type=submit]").click()
    expect(page.locator("form[action^='/netzwerktreffen/massnahmen/'] input[name=done]")).to_have_count(0)
    response = page.request.get(f"/netzwerktreffen/{meeting_id}/einladung.ics")
    assert response.ok and "BEGIN:VCALENDAR" in response.text()
