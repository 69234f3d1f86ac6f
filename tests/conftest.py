import os
from contextlib import contextmanager

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from accounts.second_factor import second_factor_required
from agencies.roles import Role
from notlagen.celery import app as celery_app

from .factories import PASSWORD, AgencyFactory, member

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would refuse
# the (synchronous, correct) database calls the tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _anchor_file_of_this_test(tmp_path, settings):
    """Every test records its seals outside the database in a file of its own."""
    settings.ACCESS_LOG_ANCHOR_FILE = str(tmp_path / "access-log-seals.jsonl")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Landeshauptstadt Hannover – Hilfen für Menschen in Notlagen", short_name="OE 50.25")


@pytest.fixture
def social_worker(agency):
    return member(Role.SOCIAL_WORKER, agency, username="sozial", first_name="Miriam", last_name="Kowalski")


@pytest.fixture
def clerk(agency):
    return member(Role.CLERK, agency, username="sachbearbeitung")


@pytest.fixture
def team_lead(agency):
    return member(Role.TEAM_LEAD, agency, username="teamleitung")


@pytest.fixture
def auditor(db):
    return member(Role.AUDITOR, username="revision")


@pytest.fixture
def administrator(agency):
    user = member(Role.ADMINISTRATOR, agency, username="administration", is_staff=True)
    return user


@pytest.fixture
def partner(db):
    return member(Role.PARTNER_STAFF, username="jobcenter")


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def login(client, user, *, device: TOTPDevice | None = None):
    """Log in through the real login view (and second factor when the user has a device)."""
    response = client.post("/anmelden/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    if device is not None:
        response = client.post("/konto/zweiter-faktor/", {"token": current_token(device)})
        assert response.status_code == 302
    return response


@pytest.fixture
def verified_client(client):
    """A client logged in and past the second factor for users who need one."""

    def _login(user):
        device = confirmed_device(user) if second_factor_required(user) else None
        login(client, user, device=device)
        return client

    return _login


@contextmanager
def broker_at(url: str):
    """Point the Celery app at another broker for a while (e.g. one that is down)."""
    keys = ("broker_url", "broker_read_url", "broker_write_url")
    original = {key: celery_app.conf[key] for key in keys}

    def _switch(target):
        # Drop the app's cached pools; kombu keeps one pool per broker URL, so switching back
        # finds the original, still-open pool again.
        celery_app._after_fork()
        for key in keys:
            celery_app.conf[key] = target if isinstance(target, str) else target[key]

    _switch(url)
    try:
        yield
    finally:
        _switch(original)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (thread in this process) consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    celery_app.control.purge()
    with start_worker(
        celery_app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker


def world_for_the_module(django_db_blocker, build):
    """A world built once per module: each test runs in a savepoint inside it (the `db` fixture)
    and is rolled back, and the world itself at the module's end. Use with `yield from`."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def payments_module_world(django_db_setup, django_db_blocker):
    """The access tests' world with a fund of the owning agency, once per module."""
    from .payments_world import world_with_fund
    from .world import build_world

    yield from world_for_the_module(django_db_blocker, lambda: world_with_fund(build_world()))
