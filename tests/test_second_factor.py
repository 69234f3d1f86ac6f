"""Second factor (TOTP): mandatory for auditors and administrators, optional for others."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import confirmed_device, current_token, login

pytestmark = pytest.mark.django_db


def test_auditor_without_device_must_enrol_before_anything_else(client, auditor):
    login(client, auditor)
    for path in ("/", "/benachrichtigungen/", "/konto/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/konto/zweiter-faktor/einrichten/"


def test_administrator_cannot_reach_admin_without_second_factor(client, administrator):
    login(client, administrator)
    response = client.get("/verwaltung/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/zweiter-faktor/einrichten/"


def test_enrolment_by_qr_code_then_access(client, auditor):
    login(client, auditor)
    page = client.get("/konto/zweiter-faktor/einrichten/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html  # the QR code, inline
    assert "Ihre Rolle erfordert einen zweiten Faktor" in html
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    # The key shown for manual entry is the device's key.
    shown = re.search(r'class="shell-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(shown + "=" * (-len(shown) % 8)) == device.bin_key
    # Reloading keeps the same key (the app was already scanned).
    client.get("/konto/zweiter-faktor/einrichten/")
    assert TOTPDevice.objects.filter(user=auditor).count() == 1

    wrong = client.post("/konto/zweiter-faktor/einrichten/", {"token": "000000"})
    assert "Der Code passt nicht" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a failure
    token = f"{totp(device.bin_key):06d}"
    response = client.post("/konto/zweiter-faktor/einrichten/", {"token": token})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_user_with_device_must_enter_code_after_password(client, auditor):
    device = confirmed_device(auditor)
    client.post("/anmelden/", {"username": auditor.username, "password": "Richtig-Langes-Passwort-1"})
    response = client.get("/benachrichtigungen/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/zweiter-faktor/?next=/benachrichtigungen/"
    bad = client.post("/konto/zweiter-faktor/", {"token": "12345x"})
    assert "Der Code besteht nur aus Ziffern" in bad.content.decode()
    wrong = client.post("/konto/zweiter-faktor/", {"token": "000000"})
    assert "Der Code ist ungültig oder abgelaufen" in wrong.content.decode()
    device.throttle_reset()
    response = client.post(
        "/konto/zweiter-faktor/?next=/benachrichtigungen/",
        {"token": current_token(device), "next": "/benachrichtigungen/"},
    )
    assert response["Location"] == "/benachrichtigungen/"
    assert client.get("/benachrichtigungen/").status_code == 200


def test_verify_refuses_foreign_redirect_target(client, auditor):
    device = confirmed_device(auditor)
    client.post("/anmelden/", {"username": auditor.username, "password": "Richtig-Langes-Passwort-1"})
    response = client.post("/konto/zweiter-faktor/", {"token": current_token(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_second_factor_is_optional_for_social_workers(client, social_worker):
    login(client, social_worker)
    assert client.get("/").status_code == 200
    page = client.get("/konto/").content.decode()
    assert "Nicht eingerichtet" in page


def test_optional_second_factor_once_set_up_is_required_at_login(client, social_worker):
    device = confirmed_device(social_worker)
    login(client, social_worker)
    assert client.get("/").status_code == 302
    client.post("/konto/zweiter-faktor/", {"token": current_token(device)})
    assert client.get("/").status_code == 200
    # A social worker may remove it again; an auditor may not.
    client.post("/konto/zweiter-faktor/entfernen/")
    assert not TOTPDevice.objects.filter(user=social_worker).exists()


def test_mandatory_second_factor_cannot_be_removed(client, auditor):
    device = confirmed_device(auditor)
    login(client, auditor, device=device)
    response = client.post("/konto/zweiter-faktor/entfernen/", follow=True)
    assert "kann nicht entfernt werden" in response.content.decode()
    assert TOTPDevice.objects.filter(user=auditor).exists()


def test_demo_setting_relaxes_the_mandatory_second_factor(client, auditor, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True
    login(client, auditor)
    response = client.get("/")
    assert response.status_code == 200
    assert "der zweite Faktor wird nicht erzwungen" in response.content.decode()


def test_shell_shows_no_navigation_before_second_factor(client, auditor):
    login(client, auditor)
    html = client.get("/konto/zweiter-faktor/einrichten/").content.decode()
    assert "Hauptnavigation" not in html
    assert "Abmelden" in html
