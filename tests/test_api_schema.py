"""The OpenAPI schema: generated without a warning, equal to the committed docs/openapi.yaml
(a change of the API shows in review as a change of that file), and the docs pages are for
logged-in staff only, served without any CDN."""

from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from tests.conftest import login

ELSEWHERE = ("cdn.", "unpkg", "jsdelivr", "fonts.googleapis", "fonts.gstatic", "redoc.ly")
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"


def test_the_committed_schema_is_current_and_warning_free():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue() == SCHEMA_FILE.read_text(), (
        "The API changed: regenerate with `python manage.py spectacular --validate --fail-on-warn "
        "--file docs/openapi.yaml` and commit it."
    )


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/", "/api/v1/schema/"])
def test_docs_need_a_login_and_load_nothing_from_elsewhere(client, social_worker, path):
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    login(client, social_worker)
    with mock.patch("notifications.services.enqueue_delivery"):
        response = client.get(path)
    assert response.status_code == 200
    text = response.content.decode()
    assert [host for host in ELSEWHERE if host in text] == []
    if path == "/api/v1/schema/":
        assert "/api/v1/cases/" in text
