"""The permission matrix (STYLE.md §4): actor × operation × expected outcome, through the web
views. "Not found" and "not allowed" look the same: 404."""

import pytest

from .access_matrix import ACTORS, allowed
from .conftest import confirmed_device, login, world_for_the_module
from .world import NOTE_TEXTS, build_world

pytestmark = pytest.mark.django_db

# Each web operation exercises one operation of the access-layer matrix (tests.access_matrix),
# whose table decides the expected outcome: the web keeps no table of its own.
WEB_OPERATIONS = {
    "list": "case_view",
    "view_case": "case_view",
    "view_person": "case_view",
    "note_general": "read_general",
    "note_health": "read_health",
    "note_violence": "read_violence",
    "note_residence": "read_residence",
    "note_finances": "read_finances",
    "add_note": "note_add_general",
    "change_case": "case_change",
    "close": "case_close",
    "manage_grants": "grants_manage",
}
CASES = [(actor, op, allowed(actor, access_op)) for actor in ACTORS for op, access_op in WEB_OPERATIONS.items()]
OPERATIONS = list(WEB_OPERATIONS)

# The case workspace (casework): pages and writes.
WORKSPACE_OPERATIONS = {
    "timeline": "case_view",
    "tasks": "records_view",
    "add_task": "task_add_general",
    "documents": "records_view",
    "upload": "document_add_general",
    "download": "read_general",
    "plan": "records_view",
    "add_goal": "goal_add_general",
    "situation": "intake_conduct",
    "handover": "case_hand_over",
    "intake": "intake_conduct",
    "consent_pdf": "intake_conduct",
}
WORKSPACE_CASES = [
    (actor, op, allowed(actor, access_op)) for actor in ACTORS for op, access_op in WORKSPACE_OPERATIONS.items()
]


@pytest.fixture
def workspace_world(world):
    """The world's case with a first conversation in progress and a general document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from access.case_access import case_access
    from casework.models import Intake, Situation
    from casework.services import document_add

    sw = world.users["social_worker"]
    Intake.objects.create(case=world.case, contact_channel="walk_in", started_by=sw)
    Situation.objects.create(case=world.case)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    world.document = document_add(
        actor=sw, case=case_access(user=sw, case_id=world.case.pk), title="Bescheid", category="general", upload=upload
    )
    return world


def _workspace_outcome(client, world, actor, operation) -> bool:
    from django.utils import timezone

    from casework.models import Document, Goal, Task

    base = f"/faelle/{world.case.pk}/"
    pages = {
        "timeline": "verlauf/",
        "tasks": "aufgaben/",
        "documents": "dokumente/",
        "download": f"dokumente/{world.document.pk}/herunterladen/",
        "plan": "hilfeplan/",
        "situation": "lage/",
        "handover": "uebergabe/",
        "intake": "erstgespraech/anliegen/",
    }
    if operation in pages:
        return client.get(base + pages[operation]).status_code == 200
    user = world.users[actor]
    if operation == "add_task":
        data = {"title": "Aufgabe", "category": "general", "assignee": user.pk}
        client.post(base + "aufgaben/neu/", data)
        return Task.objects.filter(title="Aufgabe").exists()
    if operation == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        client.post(base + "dokumente/", {"title": "Neu", "category": "general", "file": upload})
        return Document.objects.filter(title="Neu").exists()
    if operation == "add_goal":
        client.post(base + "hilfeplan/", {"area": "housing", "title": "Wohnung finden"})
        return Goal.objects.filter(title="Wohnung finden").exists()
    if operation == "consent_pdf":
        data = {
            "action": "pdf",
            "text": world.consent_text.pk,
            "agencies": [world.agencies["basic"].pk],
            "scopes": ["basic"],
            "purpose": "Zweck",
            "given_how": "written",
            "valid_until": timezone.localdate().isoformat(),
        }
        response = client.post(base + "erstgespraech/einwilligung/", data)
        return response.status_code == 200 and response["Content-Type"] == "application/pdf"
    raise AssertionError(operation)


@pytest.mark.parametrize(("actor", "operation", "allowed"), WORKSPACE_CASES)
def test_workspace_permission_matrix(client, workspace_world, actor, operation, allowed):
    client = _client_for(client, workspace_world, actor)
    assert _workspace_outcome(client, workspace_world, actor, operation) is allowed


@pytest.fixture(scope="module")
def _matrix_world(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, build_world)


@pytest.fixture
def world(db, _matrix_world):
    return _matrix_world


def _client_for(client, world, actor):
    user = world.users[actor]
    device = confirmed_device(user) if actor in ("auditor", "administrator") else None
    login(client, user, device=device)
    return client


def _outcome(client, world, operation) -> bool:
    case = world.case
    if operation == "list":
        response = client.get("/faelle/")
        return response.status_code == 200 and case.reference in response.content.decode()
    if operation == "view_case":
        return client.get(f"/faelle/{case.pk}/").status_code == 200
    if operation == "view_person":
        return client.get(f"/personen/{world.person.pk}/").status_code == 200
    if operation.startswith("note_"):
        response = client.get(f"/faelle/{case.pk}/verlauf/")
        return response.status_code == 200 and NOTE_TEXTS[operation[5:]] in response.content.decode()
    if operation == "add_note":
        response = client.post(f"/faelle/{case.pk}/notizen/", {"category": "general", "text": "Neue Notiz"})
        return response.status_code == 302
    if operation == "change_case":
        return client.get(f"/faelle/{case.pk}/bearbeiten/").status_code == 200
    if operation == "close":
        return client.get(f"/faelle/{case.pk}/abschliessen/").status_code == 200
    if operation == "manage_grants":
        return client.get(f"/faelle/{case.pk}/freigaben/").status_code == 200
    raise AssertionError(operation)


@pytest.mark.parametrize(("actor", "operation", "allowed"), CASES)
def test_permission_matrix(client, world, actor, operation, allowed):
    client = _client_for(client, world, actor)
    assert _outcome(client, world, operation) is allowed


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op != "list"])
def test_refusals_are_404_not_403(client, world, operation):
    client = _client_for(client, world, "unrelated")
    case = world.case
    urls = {
        "view_case": f"/faelle/{case.pk}/",
        "view_person": f"/personen/{world.person.pk}/",
        "change_case": f"/faelle/{case.pk}/bearbeiten/",
        "close": f"/faelle/{case.pk}/abschliessen/",
        "manage_grants": f"/faelle/{case.pk}/freigaben/",
    }
    url = urls.get(operation, f"/faelle/{case.pk}/")
    assert client.get(url).status_code == 404
    # A case that does not exist answers exactly the same.
    assert client.get(url.replace(str(case.pk), "999999").replace(str(world.person.pk), "999999")).status_code == 404


@pytest.mark.parametrize(
    "url", ["/faelle/", "/faelle/1/", "/personen/1/", "/faelle/1/freigaben/", "/zugriffsanfragen/", "/faelle/neu/"]
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


@pytest.mark.parametrize(
    "path",
    [
        "cases/case/",
        "cases/person/",
        "cases/casenote/",
        "cases/consent/",
        "cases/accessgrant/",
        "cases/casegroupobjectpermission/",
    ],
)
def test_admin_is_no_side_door_to_case_content(client, world, path):
    client = _client_for(client, world, "administrator")
    assert client.get("/verwaltung/").status_code == 200
    assert client.get(f"/verwaltung/{path}").status_code == 404


SHARING_OPERATIONS = {
    "consents": "consent_manage",
    "withdraw_consent": "consent_manage",
    "revoke_grant": "grants_manage",
    "reopen": "case_close",
    "decide_request": "access_request_decide",
    "requests_inbox": "access_request_list",
}


def _sharing_outcome(client, world, operation) -> bool:
    from datetime import timedelta

    from django.utils import timezone

    from cases import grants, services
    from cases.models import AccessGrant

    case, person, owner = world.case, world.person, world.users["social_worker"]
    if operation == "consents":
        return client.get(f"/personen/{person.pk}/einwilligungen/").status_code == 200
    if operation == "withdraw_consent":
        consent = grants.consent_record(
            actor=owner,
            person=person,
            agencies=[world.agencies["basic"]],
            scopes=["basic"],
            purpose="Zweck",
            given_how="written",
            text=world.consent_text,
            valid_until=timezone.localdate() + timedelta(days=9),
        )
        client.post(f"/personen/{person.pk}/einwilligungen/{consent.pk}/widerrufen/", {"note": ""})
        consent.refresh_from_db()
        return consent.withdrawn_at is not None
    if operation == "revoke_grant":
        grant = AccessGrant.objects.filter(case=case).first()
        client.post(f"/faelle/{case.pk}/freigaben/{grant.pk}/widerrufen/", {"reason": "Ende"})
        grant.refresh_from_db()
        return grant.revoked_at is not None
    if operation == "reopen":
        from access.case_access import case_access

        closed = services.case_close(
            actor=owner, case=case_access(user=owner, case_id=case.pk), version=case.version, reason="Erledigt"
        )
        client.post(f"/faelle/{case.pk}/status/reopen/", {"version": closed.version})
        closed.refresh_from_db()
        return closed.status == "active"
    if operation == "decide_request":
        request = grants.access_request_create(
            actor=world.users["unrelated"], case=case, scope="finance", purpose="Prüfung der Zuständigkeit"
        )
        return client.get(f"/zugriffsanfragen/{request.pk}/").status_code == 200
    if operation == "requests_inbox":
        return client.get("/zugriffsanfragen/").status_code == 200
    raise AssertionError(operation)


@pytest.mark.parametrize(
    ("actor", "operation", "allowed"),
    [(a, op, allowed(a, access_op)) for a in ACTORS for op, access_op in SHARING_OPERATIONS.items()],
)
def test_sharing_matrix(client, world, actor, operation, allowed):
    client = _client_for(client, world, actor)
    assert _sharing_outcome(client, world, operation) is allowed


# Network meetings: agency-level pages, no case. The list needs NETWORK_VIEW, setting a network
# up NETWORK_MANAGE (which network a person then sees is access.networks.side_of's, tested in
# tests/test_networks_web.py).
NETWORK_OPERATIONS = {"/netzwerke/": "network_view", "/netzwerke/neu/": "network_manage"}


@pytest.mark.parametrize(
    ("actor", "url", "allowed"),
    [(a, url, allowed(a, access_op)) for a in ACTORS for url, access_op in NETWORK_OPERATIONS.items()],
)
def test_network_matrix(client, world, actor, url, allowed):
    client = _client_for(client, world, actor)
    assert (client.get(url).status_code == 200) is allowed


# Partner clients and their keys (api.web_views): agency-level pages of the administrator of the
# client's agency; everyone else gets 404 on the list, the form, the client and its actions.
API_CLIENT_OPERATIONS = ["list", "create", "detail", "issue_key"]


def _api_client_outcome(client, world, operation) -> bool:
    from agencies.roles import Role
    from api.models import ApiKey
    from api.services import client_bootstrap

    partner = client_bootstrap(
        agency=world.owner, name="Fachverfahren", roles=[Role.CLERK], created_by=world.users["administrator"]
    )
    if operation == "list":
        response = client.get("/api-zugaenge/")
        return response.status_code == 200 and partner.name in response.content.decode()
    if operation == "create":
        return client.get("/api-zugaenge/neu/").status_code == 200
    if operation == "detail":
        return client.get(f"/api-zugaenge/{partner.pk}/").status_code == 200
    if operation == "issue_key":
        client.post(f"/api-zugaenge/{partner.pk}/schluessel/", {"valid_until": ""})
        return ApiKey.objects.filter(client=partner).exists()
    raise AssertionError(operation)


@pytest.mark.parametrize(
    ("actor", "operation", "allowed"),
    [(a, op, allowed(a, "api_clients_manage")) for a in ACTORS for op in API_CLIENT_OPERATIONS],
)
def test_api_client_matrix(client, world, actor, operation, allowed):
    client = _client_for(client, world, actor)
    assert _api_client_outcome(client, world, operation) is allowed
