"""Retention in the browser: the administrator's rules page, the data-protection officer's
review (preview with case numbers, a legal hold set by case number, a wrong number named at the
field), a team lead's hold on the case. axe-core on every page; screenshots under
var/screenshots/retention-*.png."""

import importlib
import re

import pytest
from playwright.sync_api import expect

from retention import job
from retention.models import LegalHold

from .factories import PASSWORD
from .test_browser import assert_accessible
from .test_retention_world import build_retention_world, years_later

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True  # the second factor has its own browser tests
    # A transactional test starts from flushed tables: put the proposed rules back.
    from django.apps import apps

    importlib.import_module("retention.migrations.0003_default_rules").add_defaults(apps, None)
    world = build_retention_world()
    with years_later(6, days=-10):
        job.run()  # a preview: the case is due within the month, no rule confirmed yet
    return world


def _log_in(page, user) -> None:
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).not_to_have_url(re.compile(r"/anmelden/"))


def test_the_administrator_sees_the_rules(page, world):
    _log_in(page, world.users["administrator"])
    page.goto("/loeschfristen/fristen/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Empfehlung KGSt").first).to_be_visible()
    expect(page.get_by_text("ACCESS_LOG_RETENTION_YEARS")).to_be_visible()
    assert_accessible(page, "retention-rules")
    page.locator("a[href*='regel=']").first.click()
    assert_accessible(page, "retention-rule-edit")


def test_the_officer_reviews_and_holds_a_case(page, world):
    _log_in(page, world.users["auditor"])
    page.goto("/loeschfristen/")
    expect(page.get_by_text(world.case.reference)).to_be_visible()
    assert_accessible(page, "retention-review")
    page.locator("input[name=reference]").fill("F-1999-000000")
    page.locator("input[name=reason]").fill("Prüfung durch den Landesdatenschutz")
    page.locator("form.shell-form button[type=submit]").click()
    expect(page.locator(".kern-error")).to_be_visible()
    expect(page.locator("input[name=reason]")).to_have_value("Prüfung durch den Landesdatenschutz")
    assert_accessible(page, "retention-review-error")
    page.locator("input[name=reference]").fill(world.case.reference)
    page.locator("form.shell-form button[type=submit]").click()
    expect(page.get_by_text("Prüfung durch den Landesdatenschutz")).to_be_visible()
    assert LegalHold.objects.active().filter(case=world.case).exists()


def test_the_team_lead_holds_the_case_from_its_page(page, world):
    _log_in(page, world.users["team_lead"])
    page.goto(f"/faelle/{world.case.pk}/")
    page.locator(f"a[href='/loeschfristen/fall/{world.case.pk}/sperre/']").click()
    page.locator("form.shell-form button[type=submit]").click()
    expect(page.locator(".kern-error")).to_contain_text("zwingend erforderlich")
    assert_accessible(page, "retention-hold-error")
    page.locator("input[name=reason]").fill("Klage vor dem Sozialgericht anhängig")
    page.locator("form.shell-form button[type=submit]").click()
    expect(page.get_by_text("Klage vor dem Sozialgericht anhängig").first).to_be_visible()
    assert_accessible(page, "retention-hold")
