"""The access layer as every channel uses it: services take a CaseAccess or resolve one from a
plain case (and refuse, never crash); lists log whatever paginates them; the log names the
agency acted for; the findings of the reviewers' pass stay fixed."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.utils import timezone

from access.case_access import CaseAccess, access_for, case_access
from access.errors import NotFound
from agencies.roles import Role
from agencies.services import membership_add
from audit.context import AccessContext, collected
from audit.models import AccessLogEntry
from cases import grants, services
from cases.models import Case, Consent
from cases.selectors import cases_visible_to, notes_visible_to
from casework import services as work
from casework.models import Goal, GoalStep, Intake, Situation, Task

from .conftest import login
from .factories import AgencyFactory
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = build_world()
    sw = world.users["social_worker"]
    Intake.objects.create(case=world.case, contact_channel="walk_in", started_by=sw)
    Situation.objects.create(case=world.case)
    world.task = work.task_add(actor=sw, case=world.case, title="Anrufen", category="general", assignee=sw)
    world.goal = work.goal_add(actor=sw, case=world.case, area="housing", title="Wohnung")
    world.step = work.goal_step_add(actor=sw, case=world.case, goal=world.goal, text="Termin", responsible="person")
    return world


def _pdf():
    return SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _service_calls(world):
    """Every workspace and case service, called with a plain Case loaded from the database."""
    case = Case.objects.get(pk=world.case.pk)
    soon = timezone.now() + timedelta(days=3)
    return {
        "case_update": lambda a: services.case_update(
            actor=a, case=case, version=case.version, title="x", summary="", district=None, assigned_workers=[]
        ),
        "case_close": lambda a: services.case_close(actor=a, case=case, version=case.version, reason="Erledigt"),
        "case_activate": lambda a: services.case_activate(actor=a, case=case, version=case.version),
        "note_add": lambda a: services.note_add(actor=a, case=case, category="health", text="x"),
        "grant_create": lambda a: grants.grant_create(
            actor=a,
            case=case,
            grantee_agency=world.agencies["unrelated"],
            scope="basic",
            purpose="Zweck",
            valid_until=soon,
            statute=world.statute,
        ),
        "grant_revoke": lambda a: grants.grant_revoke(actor=a, grant=case.grants.first(), reason="Ende"),
        "task_add": lambda a: work.task_add(actor=a, case=case, title="x", category="general", assignee=a),
        "task_set_done": lambda a: work.task_set_done(actor=a, case=case, task=world.task, done=True),
        "appointment_add": lambda a: work.appointment_add(
            actor=a, case=case, starts_at=soon, place="Büro", category="general"
        ),
        "document_add": lambda a: work.document_add(actor=a, case=case, title="x", category="general", upload=_pdf()),
        "goal_add": lambda a: work.goal_add(actor=a, case=case, area="housing", title="x"),
        "goal_set_status": lambda a: work.goal_set_status(actor=a, case=case, goal=world.goal, status="achieved"),
        "goal_step_add": lambda a: work.goal_step_add(
            actor=a, case=case, goal=world.goal, text="x", responsible="person"
        ),
        "goal_step_set_done": lambda a: work.goal_step_set_done(actor=a, case=case, step=world.step, done=True),
        "situation_update": lambda a: work.situation_update(actor=a, case=case, version=1, adults=2),
        "intake_draft_save": lambda a: work.intake_draft_save(actor=a, case=case, step="anliegen", data={}),
        "intake_reason_save": lambda a: work.intake_reason_save(
            actor=a, case=case, version=case.version, title="x", summary="", contact_channel="phone", urgency="soon"
        ),
        "intake_complete": lambda a: work.intake_complete(actor=a, case=case, immediate_help="", next_steps="x"),
        "case_hand_over": lambda a: work.case_hand_over(
            actor=a, case=case, version=case.version, to_user=world.users["team_lead"], note="Bitte übernehmen"
        ),
    }


@pytest.mark.parametrize(
    "service",
    [
        "case_update",
        "case_close",
        "case_activate",
        "note_add",
        "grant_create",
        "grant_revoke",
        "task_add",
        "task_set_done",
        "appointment_add",
        "document_add",
        "goal_add",
        "goal_set_status",
        "goal_step_add",
        "goal_step_set_done",
        "situation_update",
        "intake_draft_save",
        "intake_reason_save",
        "intake_complete",
        "case_hand_over",
    ],
)
@pytest.mark.parametrize("actor", ["unrelated", "grantee_basic"])
def test_a_service_called_with_a_plain_case_resolves_access_and_refuses(world, service, actor):
    user = world.users[actor]
    before = AccessLogEntry.objects.filter(actor=user, outcome="denied").count()
    with collected(AccessContext(channel="job")), pytest.raises(NotFound):
        _service_calls(world)[service](user)
    assert AccessLogEntry.objects.filter(actor=user, outcome="denied").count() == before + 1


def test_a_service_called_with_a_plain_case_works_for_who_may(world):
    sw = world.users["social_worker"]
    note = services.note_add(actor=sw, case=Case.objects.get(pk=world.case.pk), category="health", text="Befund")
    entry = AccessLogEntry.objects.filter(action="create", object_type="note", object_ids=[note.pk]).get()
    assert entry.agency_id == world.owner.pk and entry.basis.startswith("owner:")


def test_a_case_access_of_another_user_is_not_trusted(world):
    """A CaseAccess resolved for the owner, handed to a service acting for someone else, is re-checked."""
    owner_access = case_access(user=world.users["social_worker"], case_id=world.case.pk, report=False)
    with pytest.raises(NotFound):
        services.note_add(actor=world.users["unrelated"], case=owner_access, category="general", text="x")


def test_access_for_returns_the_actors_own_access_unchanged(world):
    sw = world.users["social_worker"]
    access = case_access(user=sw, case_id=world.case.pk, report=False)
    assert access_for(sw, access) is access
    assert isinstance(access_for(sw, world.case.pk), CaseAccess)


def test_list_selector_logs_whatever_paginates_it(world):
    """Keyset pages, slices, a paginator and an iterator: the rows handed out are logged."""
    sw = world.users["social_worker"]
    for i in range(3):
        services.note_add(actor=sw, case=world.case, category="general", text=f"Notiz {i}")
    access = case_access(user=sw, case_id=world.case.pk, report=False)
    mark = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()

    def logged_ids():
        rows = AccessLogEntry.objects.filter(id__gt=mark, action="list", object_type="note")
        return [ids for ids in rows.order_by("id").values_list("object_ids", flat=True)]

    notes = notes_visible_to(user=sw, access=access).order_by("-pk")
    newest = list(notes[:2])
    keyset = list(notes.filter(pk__lt=newest[-1].pk)[:2])
    page = list(Paginator(notes, 2).page(1).object_list)
    streamed = list(notes.iterator(chunk_size=100))
    assert logged_ids() == [
        [n.pk for n in newest],
        [n.pk for n in keyset],
        [n.pk for n in page],
        [n.pk for n in streamed],
    ]
    # Counting returns no personal data and logs nothing.
    notes.count()
    assert len(logged_ids()) == 4


def test_visible_case_list_logs_its_rows_whoever_evaluates_it(world):
    sw = world.users["social_worker"]
    rows = list(cases_visible_to(user=sw).values_list("pk", flat=True))
    entry = AccessLogEntry.objects.filter(actor=sw, action="list", object_type="case").latest("id")
    assert entry.object_ids == rows


def test_log_names_the_agency_acted_for_for_staff_of_two_agencies(world, client):
    """A social worker of the owning agency who is also partner staff elsewhere: reading the
    owner's case is logged for the owning agency, not for whichever membership comes first."""
    other = AgencyFactory(name="Aaa zuerst sortiert")
    sw = world.users["social_worker"]
    membership_add(user=sw, agency=other, role=Role.PARTNER_STAFF)
    login(client, sw)
    response = client.get(f"/faelle/{world.case.pk}/")
    entry = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], object_type="case").get()
    assert entry.agency_id == world.owner.pk
    partner = world.users["grantee_sensitive"]
    client.post("/abmelden/")
    login(client, partner)
    response = client.get(f"/faelle/{world.case.pk}/")
    entry = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], object_type="case").get()
    assert entry.agency_id == world.agencies["sensitive"].pk and entry.basis.startswith("grant:")


def _request_entries(response):
    return list(AccessLogEntry.objects.filter(request_id=response["X-Request-ID"]).order_by("id"))


def test_jobcenter_on_the_tasks_tab_is_denied_not_allowed(client, world):
    login(client, world.users["grantee_basic"])
    response = client.get(f"/faelle/{world.case.pk}/aufgaben/")
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in _request_entries(response)] == [("view", "denied")]


def test_a_refused_note_is_no_create(client, world):
    login(client, world.users["social_worker"])
    response = client.post(f"/faelle/{world.case.pk}/notizen/", {"category": "general", "text": "  "})
    assert response.status_code == 400
    actions = {(e.action, e.object_type) for e in _request_entries(response)}
    assert ("create", "note") not in actions and ("view", "case") in actions


def test_opening_an_edit_form_is_a_view(client, world):
    login(client, world.users["social_worker"])
    response = client.get(f"/faelle/{world.case.pk}/bearbeiten/")
    assert {e.action for e in _request_entries(response)} == {"view"}


@pytest.mark.parametrize(
    ("actor", "url"),
    [
        ("social_worker", "/revision/"),
        ("social_worker", "/verwaltung/"),
        ("clerk", "/zugriffsanfragen/{request}/"),
        ("clerk", "/erstgespraech/"),
        ("auditor", "/faelle/"),
        ("social_worker", "/faelle/999999/"),
        ("social_worker", "/gibt-es-nicht/"),
    ],
)
def test_every_refusal_path_logs_once(client, world, actor, url):
    request = grants.access_request_create(
        actor=world.users["unrelated"], case=world.case, scope="basic", purpose="Prüfung der Zuständigkeit"
    )
    user = world.users[actor]
    from .conftest import confirmed_device

    login(client, user, device=confirmed_device(user) if actor == "auditor" else None)
    response = client.get(url.format(request=request.pk))
    assert response.status_code == 404
    entries = _request_entries(response)
    assert [(e.outcome, e.actor_id) for e in entries] == [("denied", user.pk)]


def test_permission_denied_from_anywhere_answers_404_and_is_logged(client, world):
    """The admin refuses to set the password of an account in use with PermissionDenied."""
    from .conftest import confirmed_device

    admin = world.users["administrator"]
    used = world.users["clerk"]
    used.last_login = timezone.now()
    used.save(update_fields=["last_login"])
    login(client, admin, device=confirmed_device(admin))
    response = client.get(f"/verwaltung/accounts/user/{used.pk}/password/")
    assert response.status_code == 404
    assert [e.outcome for e in _request_entries(response)] == ["denied"]


def test_consent_withdrawal_revokes_through_a_private_path(world):
    """The withdrawal revokes grants it could not revoke through the public service (the
    person's agency keeps consents; the grant may have been made by a colleague)."""
    sw = world.users["social_worker"]
    consent = grants.consent_record(
        actor=sw,
        person=world.person,
        agencies=[world.agencies["basic"]],
        scopes=["basic"],
        purpose="Zweck",
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=9),
    )
    grants.grant_create(
        actor=sw,
        case=world.case,
        grantee_agency=world.agencies["basic"],
        scope="basic",
        purpose="Zweck",
        valid_until=timezone.now() + timedelta(days=5),
        consent=consent,
    )
    revoked = grants.consent_withdraw(actor=sw, consent=consent)
    assert len(revoked) == 1 and Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    import inspect

    for function in (grants.grant_create, grants.grant_revoke, work.intake_begin):
        flags = [p for p in inspect.signature(function).parameters if p.startswith("_")]
        assert not flags, f"{function.__name__} takes flags that skip its check: {flags}"


def test_production_refuses_demo_data(settings):
    from django.core.exceptions import ImproperlyConfigured

    from fixtures.loader import load_demo_data

    settings.NOTLAGEN_MODE = "production"
    with pytest.raises(ImproperlyConfigured):
        load_demo_data()


def test_no_records_are_half_written_when_a_service_refuses(world):
    user = world.users["grantee_basic"]
    counts = (Task.objects.count(), Goal.objects.count(), GoalStep.objects.count())
    for name in ("task_add", "goal_add", "goal_step_add"):
        with pytest.raises(NotFound):
            _service_calls(world)[name](user)
    assert (Task.objects.count(), Goal.objects.count(), GoalStep.objects.count()) == counts


def test_a_member_of_two_agencies_uses_each_agencys_rights_separately(world):
    """A clerk of the owning agency who is a social worker elsewhere stays a clerk on the owner's
    cases: no sensitive notes, no grants."""
    clerk = world.users["clerk"]
    membership_add(user=clerk, agency=AgencyFactory(), role=Role.SOCIAL_WORKER)
    access = case_access(user=clerk, case_id=world.case.pk, report=False)
    assert access.readable_categories == ["general", "finances"]
    with pytest.raises(NotFound):
        access.require("grants.manage")
