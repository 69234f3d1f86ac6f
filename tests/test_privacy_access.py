"""Who may use the data-subject requests: the data-protection officer (auditor role) with the
second factor passed — nobody else. Every other role, and the officer without the second factor,
gets the same 404 as a page that does not exist, logged once as denied; anonymous visitors are
sent to the login. The rows run against every page of the app, reading and writing."""

import pytest

from audit.models import AccessLogEntry
from privacy.models import SubjectRequest

from .conftest import confirmed_device, login, world_for_the_module
from .test_privacy_report import open_request
from .test_privacy_world import build_privacy_world

pytestmark = pytest.mark.django_db

REFUSED = ["social_worker", "team_lead", "clerk", "grantee_collaborate", "administrator", "reporting", "unrelated"]
WITH_DEVICE = {"administrator", "auditor"}


@pytest.fixture(scope="module")
def _privacy_world(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, build_privacy_world)


@pytest.fixture
def world(db, _privacy_world):
    return _privacy_world


def _pages(world, request: SubjectRequest) -> list[tuple[str, str]]:
    base = f"/datenschutz/{request.pk}/"
    return [
        ("get", "/datenschutz/"),
        ("get", f"/datenschutz/neu/?q=Nowak&person={world.person.pk}"),
        ("get", base),
        ("get", f"{base}auskunft/"),
        ("get", f"{base}auskunft.pdf"),
        ("get", f"{base}auskunft.json"),
        ("get", f"{base}dokumente/{world.document.pk}/"),
        ("post", f"{base}entscheiden/"),
        ("post", f"{base}frist/"),
        ("post", f"{base}beantwortet/"),
    ]


def _log_in(client, world, actor):
    user = world.users[actor]
    login(client, user, device=confirmed_device(user) if actor in WITH_DEVICE else None)
    return user


@pytest.mark.parametrize("actor", REFUSED)
def test_every_other_role_gets_a_logged_404(client, world, actor):
    request = open_request(world)
    user = _log_in(client, world, actor)
    for method, url in _pages(world, request):
        response = getattr(client, method)(
            url, {"version": request.version, "decision": "refused", "reason": "x"} if method == "post" else None
        )
        assert response.status_code == 404, (actor, url)
        entries = list(AccessLogEntry.objects.filter(request_id=response["X-Request-ID"]))
        assert [(e.outcome, e.actor_id) for e in entries] == [("denied", user.pk)], (actor, url)
    request.refresh_from_db()
    assert request.version == 1 and request.status == "open"


def test_the_officer_without_the_second_factor_is_refused(client, world):
    request = open_request(world)
    auditor = world.users["auditor"]
    login(client, auditor)  # no device: the second factor is not passed
    response = client.get(f"/datenschutz/{request.pk}/auskunft.json")
    assert response.status_code in (302, 404)
    assert not AccessLogEntry.objects.filter(object_type="note", actor=auditor).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    request = open_request(world)
    for method, url in _pages(world, request):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/anmelden/"), url


def test_the_officer_with_the_second_factor_reaches_every_page(client, world):
    request = open_request(world)
    _log_in(client, world, "auditor")
    for method, url in _pages(world, request):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url
            assert AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], outcome="allowed").exists(), url


def test_the_officer_does_not_see_the_case_workspace(client, world):
    """The report is the one path to content: the officer's role opens no case page."""
    _log_in(client, world, "auditor")
    response = client.get(f"/faelle/{world.case.pk}/")
    assert response.status_code == 404
