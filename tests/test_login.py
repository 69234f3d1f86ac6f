"""Login page, lockout (django-axes), idle timeout, logout and password change."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from .conftest import login
from .factories import PASSWORD

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "Benutzername oder Passwort sind nicht korrekt."
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche."


def test_login_page_is_german_and_accessible_markup(client):
    response = client.get("/anmelden/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert 'id="main"' in html
    assert "Benutzername" in html and "Passwort" in html


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/?next=/")


def test_wrong_password_gives_generic_german_error(client, social_worker):
    response = client.post("/anmelden/", {"username": social_worker.username, "password": "falsch"})
    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    # The user name the person typed is kept.
    assert f'value="{social_worker.username}"' in response.content.decode()


def _normalised(response, username: str) -> str:
    html = response.content.decode().replace(username, "NAME")
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r'\1"T"', html)


def test_unknown_user_gets_exactly_the_same_answer(client, social_worker):
    known = client.post("/anmelden/", {"username": social_worker.username, "password": "falsch"})
    unknown = client.post("/anmelden/", {"username": "gibt-es-nicht", "password": "falsch"})
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known, social_worker.username) == _normalised(unknown, "gibt-es-nicht")


def test_successful_login_lands_on_home(client, social_worker):
    login(client, social_worker)
    response = client.get("/")
    assert response.status_code == 200
    assert "Willkommen, Miriam" in response.content.decode()


@pytest.mark.parametrize("username_exists", [True, False])
def test_lockout_after_five_failures(client, social_worker, username_exists):
    username = social_worker.username if username_exists else "niemand"
    for _ in range(4):
        response = client.post("/anmelden/", {"username": username, "password": "falsch"})
        assert response.status_code == 200
    response = client.post("/anmelden/", {"username": username, "password": "falsch"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 Minuten" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/anmelden/", {"username": username, "password": PASSWORD})
    assert response.status_code == 429


def test_lockout_ends_after_cooloff(client, social_worker):
    for _ in range(5):
        client.post("/anmelden/", {"username": social_worker.username, "password": "falsch"})
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post("/anmelden/", {"username": social_worker.username, "password": PASSWORD})
    assert response.status_code == 302


def test_lockout_limit_is_configurable(client, social_worker, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client.post("/anmelden/", {"username": social_worker.username, "password": "falsch"})
    response = client.post("/anmelden/", {"username": social_worker.username, "password": "falsch"})
    assert response.status_code == 429


def test_idle_session_is_logged_out_with_message(client, social_worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, social_worker)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert client.get("/").status_code == 200  # activity keeps the session alive
    with time_machine.travel(start + timedelta(minutes=20 + 31), tick=False):
        response = client.get("/benachrichtigungen/")
        assert response.status_code == 302
        assert response["Location"] == "/anmelden/?next=/benachrichtigungen/"
        page = client.get(response["Location"])
    assert "nach längerer Inaktivität abgemeldet" in page.content.decode()
    assert client.get("/").status_code == 302


def test_idle_timeout_is_configurable(client, social_worker, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=5)
    from accounts import middleware  # the middleware reads the setting when it is built

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, social_worker)
        client.get("/")
    assert middleware.IdleTimeoutMiddleware(lambda r: None).idle_seconds == 300
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert client.get("/").status_code == 302


def test_logout_requires_post_and_ends_session(client, social_worker):
    login(client, social_worker)
    assert client.get("/abmelden/").status_code == 405
    response = client.post("/abmelden/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_with_german_validation(client, social_worker):
    login(client, social_worker)
    response = client.post(
        "/konto/passwort/", {"old_password": PASSWORD, "new_password1": "kurz", "new_password2": "kurz"}
    )
    assert response.status_code == 200
    assert "Dieses Passwort ist zu kurz" in response.content.decode()
    response = client.post(
        "/konto/passwort/",
        {
            "old_password": PASSWORD,
            "new_password1": "Ein-Neues-Langes-Passwort-7",
            "new_password2": "Ein-Neues-Langes-Passwort-7",
        },
    )
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.check_password("Ein-Neues-Langes-Passwort-7")
    # The person stays logged in after changing the password.
    assert client.get("/").status_code == 200


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from notlagen.settings import security

    assert security.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
