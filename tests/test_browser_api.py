"""The partner API in the browser. An agency's administrator opens "API-Zugänge" from the
navigation, registers a client (a refused address list first: the error at the field, the input
kept), the agency's team lead confirms its role on "Rollen bestätigen", the administrator issues a
key shown once, copies it, and the key reads /api/v1/cases/; then rotates it without overlap and
revokes the new one, and neither works any more. Staff read Swagger UI and Redoc under the strict
Content Security Policy, all from our own server; anonymous visitors get the login page.
axe-core on the pages; screenshots under /tmp/api_browser_*.png."""

import re
from urllib.parse import unquote

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from agencies.models import Membership
from agencies.roles import Role
from api.models import ApiClient, ApiKey

from .factories import PASSWORD, AgencyFactory, member
from .test_browser import enrol_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = "/api-zugaenge/"
CLIENT_NAME = "Fachverfahren Jobcenter"
BAD_NETWORKS = "127.0.0.0/8\n10.0.0.300/8"
GOOD_NETWORKS = "127.0.0.0/8\n::1"
# Redoc 2.5 always draws Redocly's logo from its CDN into the menu's footer (no option turns it
# off). The CSP refuses it inside the browser, so it never leaves; it is the one refusal we allow.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# Screenshots for a person to look at; written, never read back.
SCREENSHOT = "/tmp/api_browser_{}.png"  # noqa: S108


@pytest.fixture
def agency(transactional_db):
    return AgencyFactory(name="Landeshauptstadt Hannover – Hilfen für Menschen in Notlagen")


@pytest.fixture
def administrator(agency):
    return member(Role.ADMINISTRATOR, agency, username="apiadmin", is_staff=True)


@pytest.fixture
def team_lead(agency):
    return member(Role.TEAM_LEAD, agency, username="apiteamleitung")


def _log_in(page, user, *, second_factor: bool = False) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/anmelden/"))
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    if second_factor:
        enrol_second_factor(page)
    expect(page).to_have_url(re.compile(r"/$"))


REFUSED = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


def _check(page, name: str, *, refused: bool = False) -> None:
    """Screenshot, axe-core (no serious or critical violation) and a clean console; a refused
    form answers 400, which Chromium logs once."""
    page.screenshot(path=SCREENSHOT.format(name), full_page=True)
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert severe == [], results.generate_report()
    assert page.console_errors == ([REFUSED] if refused else [])
    page.console_errors.clear()


def _submit(form) -> None:
    form.locator("button[type=submit]").click()


def _api(live_server, whole_key: str) -> int:
    headers = {"Authorization": f"Api-Key {whole_key}"}
    return requests.get(f"{live_server.url}/api/v1/cases/", headers=headers, timeout=10).status_code


def _copied_key(page) -> str:
    """The key as the administrator copies it: select the field, Ctrl+C, read the clipboard."""
    field = page.locator("#api-key")
    expect(field).to_have_attribute("readonly", "")
    field.select_text()
    page.keyboard.press("Control+C")
    whole = page.evaluate("navigator.clipboard.readText()")
    assert whole == field.input_value() and re.fullmatch(r"nlk_\w+_\S+", whole)
    expect(page.locator("pre code")).to_contain_text(f"Authorization: Api-Key {whole}")
    return whole


def _register(page) -> ApiClient:
    page.locator("main").locator(f'a[href="{LIST}neu/"]').click()
    form = page.locator("main form.shell-form")
    form.locator("#id_name").fill(CLIENT_NAME)
    form.locator(f'input[name="roles"][value="{Role.SOCIAL_WORKER}"]').check()
    networks = form.locator("#id_allowed_networks")
    networks.fill(BAD_NETWORKS)
    _submit(form)

    # Refused: the error sits at the field and names the wrong line; every input is kept.
    expect(networks).to_have_attribute("aria-invalid", "true")
    error = form.locator("#id_allowed_networks-error")
    expect(error).to_contain_text("10.0.0.300/8")
    expect(networks).to_have_attribute("aria-describedby", re.compile(r"id_allowed_networks-error"))
    expect(networks).to_have_value(BAD_NETWORKS)
    expect(form.locator("#id_name")).to_have_value(CLIENT_NAME)
    expect(form.locator(f'input[name="roles"][value="{Role.SOCIAL_WORKER}"]')).to_be_checked()
    assert not ApiClient.objects.exists()
    _check(page, "register_errors", refused=True)

    networks.fill(GOOD_NETWORKS)
    _submit(form)
    client = ApiClient.objects.get()
    expect(page).to_have_url(re.compile(rf"{LIST}{client.pk}/$"))
    # The roles await a second person: the notice, and the role's badge says so.
    expect(page.locator("main .kern-alert--info")).to_be_visible()
    expect(page.locator("main .kern-badge--info")).to_have_count(1)
    _check(page, "client_pending")
    return client


def _confirm_as_team_lead(browser, live_server, team_lead, client: ApiClient) -> None:
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    lead = context.new_page()
    lead.console_errors = []
    lead.on("console", lambda msg: msg.type == "error" and lead.console_errors.append(msg.text))
    try:
        _log_in(lead, team_lead)
        lead.locator("nav").get_by_role("link", name="Rollen bestätigen").click()
        expect(lead.get_by_role("heading", level=1)).to_have_text("Rollen bestätigen")
        row = lead.locator("tbody tr", has_text=CLIENT_NAME)
        expect(row).to_contain_text("Sozialarbeiter:in")
        _check(lead, "roles_to_confirm")
        row.get_by_role("button", name="Bestätigen").click()
        expect(lead.locator("tbody tr", has_text=CLIENT_NAME)).to_have_count(0)
    finally:
        context.close()
    membership = Membership.objects.get(user=client.account)
    assert membership.status == Membership.Status.ACTIVE and membership.confirmed_by == team_lead


def _issue(page, client: ApiClient) -> str:
    page.reload()
    expect(page.locator("main .kern-alert--info")).to_have_count(0)
    expect(page.locator("main .kern-badge--success")).to_have_count(2)  # role in effect, client active
    _submit(page.locator(f'form[action="{LIST}{client.pk}/schluessel/"]'))
    expect(page.locator("main .kern-alert--warning")).to_be_visible()
    whole = _copied_key(page)
    _check(page, "key_shown")
    page.locator("main .shell-actions").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"{LIST}{client.pk}/$"))
    assert whole not in page.content()
    return whole


def _rotate(page, live_server, client: ApiClient, first: str) -> str:
    old = ApiKey.objects.get(client=client)
    form = page.locator(f"#key-actions-{old.pk} form", has=page.locator("input[name=overlap_hours]"))
    overlap = form.locator(f"#key-{old.pk}-overlap_hours")
    overlap.fill("9999")
    _submit(form)
    expect(overlap).to_have_attribute("aria-invalid", "true")
    expect(overlap).to_have_value("9999")
    expect(form.locator(f"#key-{old.pk}-overlap_hours-error")).to_be_visible()
    assert ApiKey.objects.filter(client=client).count() == 1
    _check(page, "rotate_errors", refused=True)

    overlap.fill("0")
    _submit(form)
    expect(page.locator("main .kern-alert--warning")).to_be_visible()
    expect(page.locator("main")).to_contain_text(old.prefix)  # the previous key and its end
    second = _copied_key(page)
    _check(page, "key_rotated")
    assert second != first
    assert _api(live_server, second) == 200
    assert _api(live_server, first) == 401
    return second


def test_administrator_registers_a_client_and_manages_its_keys(page, browser, live_server, administrator, team_lead):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _log_in(page, administrator, second_factor=True)
    page.locator("nav").locator(f'a[href="{LIST}"]').click()
    expect(page).to_have_url(re.compile(rf"{LIST}$"))
    expect(page.locator(f'nav a[href="{LIST}"]')).to_have_attribute("aria-current", "page")
    _check(page, "clients_empty")

    client = _register(page)
    _confirm_as_team_lead(browser, live_server, team_lead, client)
    first = _issue(page, client)
    assert _api(live_server, first) == 200
    page.reload()
    expect(page.locator("main tbody tr").first).to_contain_text("127.0.0.1")  # last used from

    page.goto(f"{LIST}{client.pk}/")
    second = _rotate(page, live_server, client, first)
    page.goto(f"{LIST}{client.pk}/")
    new = ApiKey.objects.get(client=client, revoked_at=None, expires_at=None)
    _submit(page.locator(f'#key-actions-{new.pk} form[action$="/widerrufen/"]'))
    expect(page.locator("main [role=status], main .kern-alert--success").first).to_contain_text(new.prefix)
    expect(page.locator(f"#key-actions-{new.pk}")).to_have_count(0)
    expect(page.locator(f"#key-{new.pk} .kern-badge--warning")).to_be_visible()
    assert _api(live_server, second) == 401
    _check(page, "keys_revoked")

    page.locator("main hgroup").get_by_role("link").click()
    expect(page.locator(f"#client-{client.pk}")).to_contain_text(CLIENT_NAME)
    _check(page, "clients")


def _watched(page):
    """Every request the page makes and every console message, for the docs pages."""
    seen = {"requests": [], "blocked": [], "console": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("requestfailed", lambda request: seen["blocked"].append((request.url, request.failure)))
    page.on("console", lambda msg: seen["console"].append(f"{msg.type}: {msg.text}"))
    return seen


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/api/v1/docs/", '#swagger-ui [data-path="/api/v1/cases/"]'),
        ("/api/v1/redoc/", "redoc h2:has-text('Cases the agency may see')"),
    ],
)
def test_staff_read_the_docs_offline_under_the_strict_csp(page, live_server, social_worker, path, operation):
    page.goto(path)  # anonymous: the login page, and back to the docs after it
    expect(page).to_have_url(re.compile(r"/anmelden/\?next="))
    assert unquote(page.url).endswith(f"?next={path}")
    page.get_by_label("Benutzername").fill(social_worker.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    seen = _watched(page)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))

    expect(page.locator(operation).first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/cases/", exact=True).first).to_be_attached()
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace("/", "_")
    page.screenshot(path=SCREENSHOT.format(name))

    foreign = [url for url in seen["requests"] if not url.startswith((live_server.url, f"blob:{live_server.url}"))]
    allowed = [REDOCLY_LOGO] if "redoc" in path else []
    assert foreign == allowed, foreign
    # ...and that one is refused by the CSP inside the browser: nothing reaches the CDN.
    assert [url for url, failure in seen["blocked"] if failure in ("csp", "net::ERR_BLOCKED_BY_CSP")] == allowed
    problems = [text for text in seen["console"] if text.startswith("error") or "Content Security Policy" in text]
    assert problems == [text for text in problems if allowed and REDOCLY_LOGO in text], problems
