"""Grants over their life: consent withdrawal, expiry (time travel), revocation, break-glass,
access requests, and refusal of bad input with German messages at the field."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from access.events import access_event
from cases import grants
from cases.access_sync import expired_permissions_remove
from cases.duplicates import find_duplicates
from cases.models import AccessGrant, AccessRequest, CaseGroupObjectPermission
from notifications.models import Notification

from .conftest import login
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _sees(client, world, actor) -> bool:
    client.logout()
    login(client, world.users[actor])
    return client.get(f"/faelle/{world.case.pk}/").status_code == 200


def _consent(world, agencies, scopes=("basic",), days=60):
    return grants.consent_record(
        actor=world.users["social_worker"],
        person=world.person,
        agencies=agencies,
        scopes=list(scopes),
        purpose="Sicherung des Lebensunterhalts",
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=days),
    )


def test_consent_withdrawal_revokes_resting_grants_at_once(client, world):
    jobcenter = world.agencies["unrelated"]
    consent = _consent(world, [jobcenter])
    grant = grants.grant_create(
        actor=world.users["social_worker"],
        case=world.case,
        grantee_agency=jobcenter,
        scope="basic",
        purpose="Leistungen SGB II",
        valid_until=timezone.now() + timedelta(days=30),
        consent=consent,
    )
    assert _sees(client, world, "unrelated")
    client.logout()
    login(client, world.users["social_worker"])
    response = client.post(f"/personen/{world.person.pk}/einwilligungen/{consent.pk}/widerrufen/", {"note": "mündlich"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "Einwilligung widerrufen"
    assert not _sees(client, world, "unrelated")


def test_withdrawal_is_one_transaction(world, monkeypatch):
    consent = _consent(world, [world.agencies["unrelated"]])
    grant = grants.grant_create(
        actor=world.users["social_worker"],
        case=world.case,
        grantee_agency=world.agencies["unrelated"],
        scope="basic",
        purpose="Zweck",
        valid_until=timezone.now() + timedelta(days=30),
        consent=consent,
    )
    monkeypatch.setattr("cases.grants.access_grants.case_permissions_sync", _explode)
    with pytest.raises(RuntimeError):
        grants.consent_withdraw(actor=world.users["social_worker"], consent=consent)
    consent.refresh_from_db()
    grant.refresh_from_db()
    assert consent.withdrawn_at is None and grant.revoked_at is None


def _explode(case):
    raise RuntimeError("sync failed")


def test_expired_grant_never_reads_and_the_job_removes_its_rows(client, world):
    assert _sees(client, world, "grantee_basic")
    later = timezone.now() + timedelta(days=31)
    with time_machine.travel(later):
        assert not _sees(client, world, "grantee_basic")  # refused at read time, rows still there
        assert CaseGroupObjectPermission.objects.filter(group=world.agencies["basic"].group_id).exists()
        assert expired_permissions_remove() == 1
        assert not CaseGroupObjectPermission.objects.filter(group=world.agencies["basic"].group_id).exists()
        assert _sees(client, world, "social_worker")  # the owner is never affected


def test_grant_not_yet_valid_does_not_read(client, world):
    agency = world.agencies["unrelated"]
    grant = grants.grant_create(
        actor=world.users["social_worker"],
        case=world.case,
        grantee_agency=agency,
        scope="basic",
        purpose="Ab nächster Woche",
        valid_from=timezone.now() + timedelta(days=7),
        valid_until=timezone.now() + timedelta(days=20),
        statute=world.statute,
    )
    grants.grant_approve(actor=world.users["team_lead"], grant=grant)
    assert not _sees(client, world, "unrelated")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert _sees(client, world, "unrelated")


def test_revocation_through_the_page(client, world):
    grant = AccessGrant.objects.get(grantee_agency=world.agencies["collaborate"])
    login(client, world.users["social_worker"])
    page = client.get(f"/faelle/{world.case.pk}/freigaben/").content.decode()
    assert "Zweck collaborate" in page
    refused = client.post(f"/faelle/{world.case.pk}/freigaben/{grant.pk}/widerrufen/", {"reason": ""})
    assert refused.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is None
    client.post(f"/faelle/{world.case.pk}/freigaben/{grant.pk}/widerrufen/", {"reason": "Zweck erfüllt"})
    grant.refresh_from_db()
    assert grant.revoke_reason == "Zweck erfüllt"
    assert not _sees(client, world, "grantee_collaborate")
    # History stays visible to the owner.
    client.logout()
    login(client, world.users["social_worker"])
    assert "widerrufen am" in client.get(f"/faelle/{world.case.pk}/freigaben/").content.decode()


def test_grantee_sees_the_banner_that_explains_access(client, world):
    login(client, world.users["grantee_basic"])
    html = client.get(f"/faelle/{world.case.pk}/").content.decode()
    assert "Freigabe für Partner basic bis" in html and "Zweck: Zweck basic" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"purpose": ""}, "purpose", "Bitte geben Sie den Zweck der Weitergabe an."),
        ({"legal_basis": ""}, "legal_basis", "Bitte nennen Sie genau eine Rechtsgrundlage"),
        ({"valid_until": "2000-01-01"}, "valid_until", "Das Ende muss nach dem Beginn liegen."),
        ({"valid_until": "2099-01-01"}, "valid_until", "Eine Freigabe darf höchstens 365 Tage dauern."),
        ({"valid_until": "kein-datum"}, "valid_until", "Bitte ein gültiges Datum eingeben."),
        ({"grantee_agency": "owner"}, "grantee_agency", "Der führende Träger hat bereits jeden Umfang."),
    ],
)
def test_bad_grant_input_is_refused_at_the_field(client, world, data, field, message):
    login(client, world.users["social_worker"])
    before = AccessGrant.objects.count()
    form = {
        "grantee_agency": world.agencies["unrelated"].pk,
        "scope": "basic",
        "purpose": "Leistungsprüfung",
        "legal_basis": f"statute:{world.statute.pk}",
        "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    form.update(data)
    if form["grantee_agency"] == "owner":
        form["grantee_agency"] = world.owner.pk
    response = client.post(f"/faelle/{world.case.pk}/freigaben/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert AccessGrant.objects.count() == before
    # The input is kept.
    if data.get("purpose", "x"):
        assert "Leistungsprüfung" in html or field == "purpose"


def test_consent_must_cover_the_grantee(client, world):
    consent = _consent(world, [world.agencies["basic"]], scopes=("basic",))
    login(client, world.users["social_worker"])
    response = client.post(
        f"/faelle/{world.case.pk}/freigaben/",
        {
            "grantee_agency": world.agencies["unrelated"].pk,
            "scope": "basic",
            "purpose": "Prüfung",
            "legal_basis": f"consent:{consent.pk}",
            "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert "Die Einwilligung umfasst diesen Träger nicht." in response.content.decode()
    wrong_scope = client.post(
        f"/faelle/{world.case.pk}/freigaben/",
        {
            "grantee_agency": world.agencies["basic"].pk,
            "scope": "sensitive",
            "purpose": "Prüfung",
            "legal_basis": f"consent:{consent.pk}",
            "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert "Die Einwilligung umfasst diesen Umfang nicht." in wrong_scope.content.decode()


def test_consent_without_any_agency_is_refused(client, world):
    login(client, world.users["social_worker"])
    response = client.post(
        f"/personen/{world.person.pk}/einwilligungen/",
        {
            "text": world.consent_text.pk,
            "scopes": ["basic"],
            "purpose": "Sicherung",
            "given_how": "oral",
            "witness": "",
            "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    html = response.content.decode()
    assert "Eine Einwilligung muss mindestens einen Träger nennen." in html
    assert "Eine mündliche Einwilligung braucht eine Zeugin oder einen Zeugen." in html
    assert not world.person.consents.exists()


def test_used_consent_text_cannot_be_edited(world):
    _consent(world, [world.agencies["basic"]])
    world.consent_text.body = "geändert"
    with pytest.raises(ValueError, match="cannot be changed"):
        world.consent_text.save()


def test_break_glass_gives_basic_for_24_hours_and_tells_the_owner(client, world, settings):
    outsider = world.users["unrelated"]
    login(client, outsider)
    result = find_duplicates(user=outsider, given_name="Marta", family_name="Nowak", birth_date=world.person.birth_date)
    (match,) = result.elsewhere
    too_short = client.post(f"/notfallzugriff/{match.token}/", {"situation": "danger_to_life", "reason": "eilig"})
    assert "mindestens 30 Zeichen" in too_short.content.decode()
    assert not AccessGrant.objects.filter(is_break_glass=True).exists()
    response = client.post(
        f"/notfallzugriff/{match.token}/",
        {
            "situation": "danger_to_life",
            "reason": "Person ist akut suizidgefährdet, Angehörige müssen erreicht werden.",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/faelle/{world.case.pk}/"
    grant = AccessGrant.objects.get(is_break_glass=True)
    assert grant.scope == "basic" and grant.needs_review
    assert grant.valid_until - grant.valid_from == timedelta(hours=settings.BREAK_GLASS_HOURS)
    assert Notification.objects.filter(recipient=world.users["team_lead"], kind="cases.break_glass").exists()
    page = client.get(f"/faelle/{world.case.pk}/").content.decode()
    assert "Notiztext" not in page  # basic scope only
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert not _sees(client, world, "unrelated")


def test_access_request_round_trip(client, world):
    outsider = world.users["unrelated"]
    result = find_duplicates(user=outsider, given_name="Marta", family_name="Nowak", birth_date=world.person.birth_date)
    login(client, outsider)
    response = client.post(
        f"/zugriffsanfragen/neu/{result.elsewhere[0].token}/",
        {"scope": "collaborate", "purpose": "Gemeinsame Hilfeplanung"},
    )
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert Notification.objects.filter(recipient=world.users["team_lead"], kind="cases.access_requested").exists()
    # The requester learns nothing about the case from its own list.
    outgoing = client.get("/zugriffsanfragen/").content.decode()
    assert world.case.reference not in outgoing and "Nowak" not in outgoing

    client.logout()
    login(client, world.users["social_worker"])  # not a team lead
    assert client.get(f"/zugriffsanfragen/{request.pk}/").status_code == 404
    client.logout()
    login(client, world.users["team_lead"])
    missing_basis = client.post(
        f"/zugriffsanfragen/{request.pk}/",
        {
            "decision": "approve",
            "legal_basis": "",
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert "Bitte nennen Sie genau eine Rechtsgrundlage" in missing_basis.content.decode()
    approved = client.post(
        f"/zugriffsanfragen/{request.pk}/",
        {
            "decision": "approve",
            "legal_basis": f"statute:{world.statute.pk}",
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.grant.scope == "collaborate"
    assert Notification.objects.filter(recipient=outsider, kind="cases.access_request_decided").exists()
    assert _sees(client, world, "unrelated")


def test_refusing_a_request_needs_a_reason(client, world):
    outsider = world.users["unrelated"]
    case = world.case
    request = grants.access_request_create(
        actor=outsider, case=case, scope="basic", purpose="Prüfung der Zuständigkeit"
    )
    login(client, world.users["team_lead"])
    response = client.post(f"/zugriffsanfragen/{request.pk}/", {"decision": "refuse", "note": ""})
    assert "Bitte begründen Sie die Ablehnung." in response.content.decode()
    client.post(f"/zugriffsanfragen/{request.pk}/", {"decision": "refuse", "note": "Keine Rechtsgrundlage"})
    request.refresh_from_db()
    assert request.status == "refused"
    assert not _sees(client, world, "unrelated")


def test_tampered_ids_answer_404_and_are_reported(client, world):
    events = []

    def receiver(sender, **payload):
        events.append(payload)

    access_event.connect(receiver)
    try:
        login(client, world.users["unrelated"])
        assert client.post(f"/faelle/{world.case.pk}/notizen/", {"category": "general", "text": "x"}).status_code == 404
        assert client.get("/faelle/abc/").status_code == 404
    finally:
        access_event.disconnect(receiver)
    denied = [e for e in events if e["outcome"] == "denied"]
    assert denied and denied[0]["object_ids"] == [world.case.pk]
