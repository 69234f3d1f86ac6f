"""The permission matrix (STYLE.md §4): actor × operation × expected outcome, through the web
views. "Not found" and "not allowed" look the same: 404."""

import pytest

from .conftest import confirmed_device, login
from .world import NOTE_TEXTS, build_world

pytestmark = pytest.mark.django_db

Y, N = True, False
OPERATIONS = [
    "list",
    "view_case",
    "view_person",
    "note_general",
    "note_health",
    "note_violence",
    "note_residence",
    "note_finances",
    "add_note",
    "change_case",
    "close",
    "manage_grants",
]
# fmt: off
MATRIX = {
    #                     list view person gen  hlth viol res  fin  add  chg  close grants
    "social_worker":     [Y,   Y,   Y,     Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,    Y],
    "team_lead":         [Y,   Y,   Y,     Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,    Y],
    "clerk":             [Y,   Y,   Y,     Y,   N,   N,   N,   Y,   Y,   N,   N,    N],
    "grantee_basic":     [Y,   Y,   Y,     N,   N,   N,   N,   N,   N,   N,   N,    N],
    "grantee_collaborate": [Y, Y,   Y,     Y,   N,   N,   N,   N,   Y,   N,   N,    N],
    "grantee_finance":   [Y,   Y,   Y,     N,   N,   N,   N,   Y,   N,   N,   N,    N],
    "grantee_sensitive": [Y,   Y,   Y,     Y,   Y,   Y,   Y,   N,   Y,   N,   N,    N],
    "unrelated":         [N,   N,   N,     N,   N,   N,   N,   N,   N,   N,   N,    N],
    "auditor":           [N,   N,   N,     N,   N,   N,   N,   N,   N,   N,   N,    N],
    "administrator":     [N,   N,   N,     N,   N,   N,   N,   N,   N,   N,   N,    N],
}
# fmt: on
CASES = [(actor, op, MATRIX[actor][i]) for actor in MATRIX for i, op in enumerate(OPERATIONS)]

# The case workspace (casework): pages and writes, per actor.
WORKSPACE_OPERATIONS = [
    "timeline",
    "tasks",
    "add_task",
    "documents",
    "upload",
    "download",
    "plan",
    "add_goal",
    "situation",
    "handover",
    "intake",
    "consent_pdf",
]
# fmt: off
WORKSPACE_MATRIX = {
    #                      tl   tasks add  docs upl  down plan goal sit  hand intk pdf
    "social_worker":      [Y,   Y,    Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y],
    "team_lead":          [Y,   Y,    Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y],
    "clerk":              [Y,   Y,    Y,   Y,   Y,   Y,   Y,   N,   N,   N,   N,   N],
    "grantee_basic":      [Y,   N,    N,   N,   N,   N,   N,   N,   N,   N,   N,   N],
    "grantee_collaborate": [Y,  Y,    Y,   Y,   Y,   Y,   Y,   Y,   N,   N,   N,   N],
    "grantee_finance":    [Y,   Y,    N,   Y,   N,   N,   Y,   N,   N,   N,   N,   N],
    "grantee_sensitive":  [Y,   Y,    Y,   Y,   Y,   Y,   Y,   Y,   N,   N,   N,   N],
    "unrelated":          [N,   N,    N,   N,   N,   N,   N,   N,   N,   N,   N,   N],
    "auditor":            [N,   N,    N,   N,   N,   N,   N,   N,   N,   N,   N,   N],
    "administrator":      [N,   N,    N,   N,   N,   N,   N,   N,   N,   N,   N,   N],
}
# fmt: on
WORKSPACE_CASES = [
    (actor, op, WORKSPACE_MATRIX[actor][i]) for actor in WORKSPACE_MATRIX for i, op in enumerate(WORKSPACE_OPERATIONS)
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


@pytest.fixture
def world(db):
    return build_world()


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


SHARING_OPERATIONS = ["consents", "withdraw_consent", "revoke_grant", "reopen", "decide_request", "requests_inbox"]
# fmt: off
SHARING_MATRIX = {
    #                     consents withdraw revoke reopen decide inbox
    "social_worker":     [Y,       Y,       Y,     Y,     N,     Y],
    "team_lead":         [Y,       Y,       Y,     Y,     Y,     Y],
    "clerk":             [N,       N,       N,     N,     N,     Y],
    "grantee_sensitive": [N,       N,       N,     N,     N,     Y],
    "unrelated":         [N,       N,       N,     N,     N,     Y],
    "auditor":           [N,       N,       N,     N,     N,     N],
    "administrator":     [N,       N,       N,     N,     N,     N],
}
# fmt: on


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
    [(a, op, SHARING_MATRIX[a][i]) for a in SHARING_MATRIX for i, op in enumerate(SHARING_OPERATIONS)],
)
def test_sharing_matrix(client, world, actor, operation, allowed):
    client = _client_for(client, world, actor)
    assert _sharing_outcome(client, world, operation) is allowed
