"""The help-offer directory in the browser: a social worker searches by category and language,
opens an offer, prints the list; an editor opens the edit form. axe-core on every page;
screenshots under var/screenshots/ (directory.png is the search)."""

import re

import pytest
from playwright.sync_api import expect

from agencies.roles import Role

from .factories import PASSWORD, AgencyFactory, member
from .test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    from .test_directory_search import build_directory

    agency = AgencyFactory(name="Landeshauptstadt Hannover – Hilfen für Menschen in Notlagen", short_name="OE 50.25")
    made = build_directory()
    worker = member(Role.SOCIAL_WORKER, agency, username="sozial", first_name="Miriam", last_name="Kowalski")
    editor = member(Role.DIRECTORY_EDITOR, made["agencies"]["a"], username="redaktion", first_name="Ole")
    return {**made, "worker": worker, "editor": editor}


def log_in(page, username: str) -> None:
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).not_to_have_url(re.compile(r"/anmelden/"))


def test_search_open_and_print(page, world):
    log_in(page, "sozial")
    page.goto("/hilfeangebote/?fall=42")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("article.kern-card")).to_have_count(3)
    assert_accessible(page, "directory-all")
    page.locator("#id_category").select_option(value="violence")
    page.locator("#id_language").select_option(value="ar")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"category=violence.*language=ar|language=ar.*category=violence"))
    cards = page.locator("article.kern-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Frauennotruf")
    expect(cards.first.locator("a[href*='/faelle/42/vermittlungen/neu/?angebot=']")).to_have_count(1)
    assert_accessible(page, "directory")

    page.get_by_role("link", name="Frauennotruf", exact=True).click()
    expect(page.get_by_role("heading", name="Frauennotruf", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Di, Do 14:00–18:00")
    assert "fall=42" in page.url
    assert_accessible(page, "directory-offer")

    page.go_back()
    page.locator("a[href^='/hilfeangebote/drucken/']").click()
    expect(page.get_by_role("heading", name="Frauennotruf")).to_be_visible()
    assert page.locator(".shell-nav").count() == 0
    assert_accessible(page, "directory-print")


def test_the_edit_form_is_accessible(page, world):
    log_in(page, "redaktion")
    offer = world["offers"]["debt"]
    page.goto(f"/hilfeangebote/{offer.pk}/bearbeiten/")
    assert_accessible(page, "directory-edit")
    page.locator("#id_orte-0-postal_code").fill("301")
    page.locator("#id_orte-0-hours").fill("Mo–Fr 9–12; Xy 10–11")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_orte-0-hours-error")).to_contain_text("Xy")
    expect(page.locator("#id_orte-0-postal_code")).to_have_value("301")
    assert_accessible(page, "directory-edit-errors")
