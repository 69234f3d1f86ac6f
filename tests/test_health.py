import json

import pytest

from .conftest import broker_at
from .processes import run_django

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_names_the_broker_when_it_is_down(client):
    with broker_at("redis://127.0.0.1:1/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"


def test_readyz_names_the_database_when_it_is_down():
    # A separate process whose database does not answer (closed port), broker as configured.
    result = run_django(
        "from django.test import Client; r = Client(HTTP_HOST='localhost').get('/readyz');"
        "print(r.status_code, r.content.decode())",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/notlagen",
        DJANGO_SETTINGS_MODULE="notlagen.test_settings",
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["failed"] == ["database"]
