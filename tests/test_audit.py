"""The access log: every access recorded (one mechanism, checked over the URL map), append-only
in PostgreSQL, tamper-evident, searchable by auditors only."""

from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit import sealing
from audit.models import AccessLogEntry, AppendOnlyError, Review
from audit.verification import verify
from cases import grants
from cases.duplicates import find_duplicates
from notifications.models import Notification

from .conftest import confirmed_device, login
from .factories import PASSWORD, member
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _entries_of(response):
    return AccessLogEntry.objects.filter(request_id=response["X-Request-ID"])


def _document(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from access.case_access import case_access
    from casework.services import document_add

    sw = world.users["social_worker"]
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    case = case_access(user=sw, case_id=world.case.pk)
    return document_add(actor=sw, case=case, title="Bescheid", category="general", upload=upload)


def test_list_page_is_one_entry_with_the_ids_shown(client, world):
    login(client, world.users["social_worker"])
    response = client.get("/faelle/")
    (entry,) = _entries_of(response).filter(action="list")
    assert entry.object_ids == entry.case_ids == [world.case.pk] and entry.person_ids == [world.person.pk]
    assert entry.request_id and entry.client_address == "127.0.0.1"


def test_denied_attempt_is_logged_as_denied(client, world):
    login(client, world.users["unrelated"])
    response = client.get(f"/faelle/{world.case.pk}/")
    assert response.status_code == 404
    (entry,) = _entries_of(response).filter(object_type="case")
    assert entry.outcome == "denied" and entry.object_ids == [world.case.pk]


def test_changes_are_logged_in_the_same_transaction(world):
    sw = world.users["social_worker"]
    before = AccessLogEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        grants.grant_revoke(actor=sw, grant=world.case.grants.first(), reason="Test")
        raise RuntimeError
    assert AccessLogEntry.objects.count() == before
    grants.grant_revoke(actor=sw, grant=world.case.grants.first(), reason="Test")
    assert AccessLogEntry.objects.filter(action="revoke", actor=sw).exists()


def test_logins_logouts_and_failures_are_logged(client, world):
    user = world.users["clerk"]
    client.post("/anmelden/", {"username": user.username, "password": "falsch"})
    client.post("/anmelden/", {"username": user.username, "password": PASSWORD})
    client.post("/abmelden/")
    actions = list(
        AccessLogEntry.objects.filter(actor_name=user.username).order_by("id").values_list("action", "outcome")
    )
    assert actions == [("login_failed", "denied"), ("login", "allowed"), ("logout", "allowed")]


def test_admin_actions_are_logged_on_the_admin_channel(client, world):
    admin_user = world.users["administrator"]
    login(client, admin_user, device=confirmed_device(admin_user))
    client.post("/verwaltung/cases/statute/add/", {"code": "§ 8a SGB VIII", "title": "Kindeswohl", "is_active": "on"})
    entry = AccessLogEntry.objects.filter(channel="admin", action="create").latest("id")
    assert entry.object_type == "admin:statute" and entry.actor_id == admin_user.pk


def test_jobs_are_logged_on_the_job_channel(world):
    from cases.tasks import expire_grants

    with time_machine.travel(timezone.now() + timedelta(days=40)):
        expire_grants.apply()
    assert AccessLogEntry.objects.filter(action="expire", channel="job").exists()


def test_orm_refuses_update_and_delete(world):
    entry = AccessLogEntry.objects.first()
    entry.purpose = "manipuliert"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_accesslogentry SET purpose = 'x'", "DELETE FROM audit_accesslogentry"]
)
def test_postgresql_refuses_update_and_delete(world, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def _seal_everything(settings=None):
    # Inside a test's open transaction the safe horizon cannot pass it; seal what is there.
    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while sealing.seal_pending(batch=7, up_to=top):
        pass


def _as_superuser(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
        cursor.execute("ALTER TABLE audit_accesslogentry DISABLE TRIGGER audit_accesslogentry_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_accesslogentry ENABLE TRIGGER audit_accesslogentry_append_only")


def test_intact_log_verifies(world, settings):
    _seal_everything(settings)
    result = verify()
    assert result.ok and result.entries_checked == AccessLogEntry.objects.count()


def test_changed_entry_is_named(world, settings):
    _seal_everything(settings)
    victim = AccessLogEntry.objects.order_by("id")[5]
    _as_superuser("UPDATE audit_accesslogentry SET purpose = 'vertuscht' WHERE id = %s", [victim.pk])
    result = verify()
    assert not result.ok and result.code == "entry_changed" and result.entry_id == victim.pk


def test_removed_entry_is_named(world, settings):
    _seal_everything(settings)
    victim = AccessLogEntry.objects.order_by("id")[3]
    _as_superuser("DELETE FROM audit_accesslogentry WHERE id = %s", [victim.pk])
    result = verify()
    assert not result.ok and result.code == "entry_removed" and result.entry_id == victim.pk


def test_inserted_entry_is_named(world, settings):
    _seal_everything(settings)
    top = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:  # leave a gap in the ids, then log and seal some more
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_accesslogentry', 'id'), %s)", [top + 5])
    grants.grant_revoke(actor=world.users["social_worker"], grant=world.case.grants.first(), reason="Ende")
    _seal_everything(settings)
    sneaked = top + 2
    _as_superuser(
        "INSERT INTO audit_accesslogentry (id, time, actor_name, action, object_type, object_ids, case_ids, "
        "person_ids, basis, purpose, channel, request_id, user_agent, outcome) "
        "VALUES (%s, now(), 'x', 'view', 'case', '[]', '[]', '[]', '', '', 'web', '', '', 'allowed')",
        [sneaked],
    )
    result = verify()
    assert not result.ok and result.code == "entry_inserted" and result.entry_id == sneaked


AUDIT_URLS = [
    "/revision/",
    "/revision/export.csv",
    "/revision/pruefungen/",
    "/revision/integritaet/",
    "/revision/person/1/",
]


@pytest.mark.parametrize("actor", ["social_worker", "team_lead", "administrator", "grantee_sensitive"])
@pytest.mark.parametrize("url", AUDIT_URLS)
def test_only_auditors_reach_the_workspace(client, world, actor, url):
    user = world.users[actor]
    login(client, user, device=confirmed_device(user) if actor == "administrator" else None)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_auditor_reaches_the_workspace(client, world, url):
    auditor = world.users["auditor"]
    login(client, auditor, device=confirmed_device(auditor))
    assert client.get(url).status_code == 200


@pytest.fixture
def auditor_client(client, world):
    auditor = world.users["auditor"]
    login(client, auditor, device=confirmed_device(auditor))
    return client


def test_search_by_person_and_report(auditor_client, world, settings):
    # No sealing first: the person/case indexes are part of the entry's own insert.
    html = auditor_client.get("/revision/", {"person": world.person.pk}).content.decode()
    assert "sw" in html and "Fall" in html
    report = auditor_client.get(f"/revision/person/{world.person.pk}/").content.decode()
    assert "Wer hat auf diese Person zugegriffen?" in report
    assert NOTE_LEAK not in report


NOTE_LEAK = "Notiztext"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "31.02.2026"}, "Bitte ein gültiges Datum eingeben."),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "Das Ende des Zeitraums liegt vor seinem Beginn."),
        ({"action": "hack"}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_bad_search_input_gives_field_errors(auditor_client, params, message):
    response = auditor_client.get("/revision/", params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_unknown_case_reference_finds_nothing(auditor_client):
    assert "Keine Einträge gefunden." in auditor_client.get("/revision/", {"case": "F-0000-999999"}).content.decode()


def test_csv_export_is_streamed_and_logged(auditor_client, world):
    response = auditor_client.get("/revision/export.csv", {"actor": "sw"})
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,time,actor")
    assert len(lines) > 3 and all(",sw," in line for line in lines[1:])
    assert AccessLogEntry.objects.filter(action="export", actor=world.users["auditor"]).exists()


def test_break_glass_review_and_not_justified_verdict(auditor_client, world):
    outsider = world.users["unrelated"]
    result = find_duplicates(user=outsider, given_name="Marta", family_name="Nowak")
    from cases.duplicates import case_for_match_token

    case, _agency = case_for_match_token(result.elsewhere[0].token, user=outsider)
    grants.break_glass_open(
        actor=outsider,
        case=case,
        situation="acute_crisis",
        reason="Die Person ist in akuter Krise und nicht ansprechbar.",
    )
    assert Notification.objects.filter(recipient=world.users["auditor"], kind="audit.break_glass").exists()
    page = auditor_client.get("/revision/pruefungen/").content.decode()
    assert "Notfallzugriff" in page
    review = Review.objects.get(kind="break_glass")
    refused = auditor_client.post(f"/revision/pruefungen/{review.pk}/", {"verdict": "not_justified", "comment": ""})
    assert "Bitte begründen Sie die Bewertung." in refused.content.decode()
    outsider_lead = member("team_lead", world.agencies["unrelated"])
    auditor_client.post(f"/revision/pruefungen/{review.pk}/", {"verdict": "not_justified", "comment": "Kein Notfall"})
    review.refresh_from_db()
    assert review.verdict == "not_justified"
    assert Notification.objects.filter(recipient=outsider_lead, kind="audit.not_justified").exists()
    assert not review.grant.__class__.objects.get(pk=review.grant_id).needs_review


def test_denied_burst_is_queued(client, world, settings):
    settings.DENIED_BURST_THRESHOLD = 3
    login(client, world.users["unrelated"])
    for _ in range(4):
        client.get(f"/faelle/{world.case.pk}/")
    from audit.review import detect_denied_bursts

    (review,) = detect_denied_bursts()
    assert review.actor == world.users["unrelated"] and review.denied_count == 4
    assert detect_denied_bursts() == []  # once per window


def test_entry_names_the_right_used(client, world):
    from cases.models import AccessGrant

    login(client, world.users["grantee_basic"])
    response = client.get(f"/faelle/{world.case.pk}/")
    (entry,) = _entries_of(response).filter(object_type="case")
    grant = AccessGrant.objects.get(grantee_agency=world.agencies["basic"])
    assert entry.basis == f"grant:{grant.pk}"
    client.logout()
    login(client, world.users["clerk"])
    response = client.get(f"/faelle/{world.case.pk}/")
    assert _entries_of(response).filter(object_type="case").get().basis == "owner:clerk"


def test_a_superscript_digit_is_a_name_not_a_person_number(world):
    from audit.selectors import persons_matching

    assert persons_matching("²") == []
