"""The staff shell: who is logged in, navigation by role, home page content, languages,
security headers, and the admin as reference-data tool only."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

from agencies.roles import Role

from .conftest import login
from .factories import member

pytestmark = pytest.mark.django_db

NAV = {
    "Start": "/",
    "Fälle": "/faelle/",
    "Zugriffsanfragen": "/zugriffsanfragen/",
    "Benachrichtigungen": "/benachrichtigungen/",
    "Zustellfehler": "/benachrichtigungen/zustellfehler/",
    "Verwaltung": "/verwaltung/",
    "Mein Konto": "/konto/",
}
CASE_WORK = {"Start", "Fälle", "Zugriffsanfragen", "Benachrichtigungen", "Mein Konto"}
ROLE_NAV = {
    Role.SOCIAL_WORKER: CASE_WORK,
    Role.CLERK: CASE_WORK,
    Role.TEAM_LEAD: CASE_WORK,
    Role.PARTNER_STAFF: CASE_WORK,
    Role.AUDITOR: {"Start", "Benachrichtigungen", "Mein Konto"},
    Role.ADMINISTRATOR: {"Start", "Benachrichtigungen", "Zustellfehler", "Verwaltung", "Mein Konto"},
}


def _nav_labels(html: str) -> set[str]:
    nav = html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]
    return {label for label, url in NAV.items() if f'href="{url}"' in nav}


@pytest.mark.parametrize("role", list(ROLE_NAV))
def test_navigation_shows_only_what_the_role_allows(verified_client, agency, role):
    user = member(role, agency, is_staff=(role == Role.ADMINISTRATOR))
    client = verified_client(user)
    html = client.get("/").content.decode()
    assert _nav_labels(html) == ROLE_NAV[role]
    # Every link shown works; every link not shown answers 404 (or the admin's refusal).
    for label, url in NAV.items():
        status = client.get(url).status_code
        if label in ROLE_NAV[role]:
            assert status == 200, (label, status)
        else:
            assert status == 404, (label, status)


def test_header_shows_person_agency_and_roles(client, social_worker):
    login(client, social_worker)
    html = client.get("/").content.decode()
    assert "Miriam Kowalski" in html
    assert "OE 50.25 · Sozialarbeiter:in" in html


def test_home_lists_agency_members_with_roles(client, agency, social_worker, clerk, team_lead):
    login(client, team_lead)
    html = client.get("/").content.decode()
    for person in (social_worker, clerk, team_lead):
        assert person.get_full_name() in html
    assert "Sachbearbeiter:in" in html and "Teamleitung" in html


def test_home_shows_no_foreign_agency_members(client, social_worker, partner):
    login(client, social_worker)
    assert partner.get_full_name() not in client.get("/").content.decode()


def test_home_query_count_does_not_grow_with_members(client, agency, social_worker, django_assert_max_num_queries):
    login(client, social_worker)
    client.get("/")
    for _ in range(30):
        member(Role.SOCIAL_WORKER, agency)
    with django_assert_max_num_queries(16):
        client.get("/")


def test_auditor_home_shows_login_security(verified_client, auditor, social_worker, client):
    for _ in range(5):
        client.post("/anmelden/", {"username": social_worker.username, "password": "falsch"})
    html = verified_client(auditor).get("/").content.decode()
    assert "Anmeldesicherheit" in html
    assert social_worker.username in html  # locked user name listed


def test_administrator_home_shows_operations(verified_client, administrator):
    html = verified_client(administrator).get("/").content.decode()
    assert "Betrieb" in html and "Zustellfehler" in html


def test_language_switch_to_english_is_remembered(client, social_worker):
    login(client, social_worker)
    response = client.post("/sprache/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    social_worker.refresh_from_db()
    assert social_worker.language == "en"


def test_german_catalogue_is_complete():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/de/LC_MESSAGES/django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_security_headers(client):
    response = client.get("/anmelden/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "cdn" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) == 32


def test_not_found_page_is_german(client, social_worker, settings):
    settings.DEBUG = False
    login(client, social_worker)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_admin_has_no_login_of_its_own(client):
    response = client.get("/verwaltung/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_admin_manages_reference_data_and_roles_follow_memberships(verified_client, administrator, agency):
    client = verified_client(administrator)
    assert client.get("/verwaltung/agencies/agency/").status_code == 200
    assert client.get("/verwaltung/agencies/membership/").status_code == 200
    # Groups and single permissions cannot be edited past the role model.
    html = client.get(f"/verwaltung/accounts/user/{administrator.pk}/change/").content.decode()
    assert 'name="groups"' not in html and 'name="user_permissions"' not in html
    assert client.get("/verwaltung/auth/group/").status_code in (403, 404)


def test_browser_language_does_not_switch_the_interface(client):
    html = client.get("/anmelden/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="de">' in html and "Anmelden" in html
