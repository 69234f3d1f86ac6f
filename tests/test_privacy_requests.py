"""The data-protection officer's requests in the web: finding the person (each search logged),
opening a request with the identity check noted and the deadline computed, German errors at the
field with the input kept, a stale form detected, the deadline extended once, an access request
answered only after its report was produced, and a granted erasure carried out at once by the
retention machinery, its result shown on the request and every step logged."""

from datetime import date, timedelta

import pytest
from django import forms
from django.utils import timezone, translation

from audit.models import AccessLogEntry
from cases.models import Person
from privacy.models import Status, SubjectRequest

from .conftest import confirmed_device, login, world_for_the_module
from .test_privacy_report import open_request
from .test_privacy_world import SECOND, build_privacy_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _privacy_world(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, build_privacy_world)


@pytest.fixture
def world(db, _privacy_world):
    return _privacy_world


@pytest.fixture
def officer(client, world):
    auditor = world.users["auditor"]
    login(client, auditor, device=confirmed_device(auditor))
    return client


def _entries(response, **filters):
    return AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], **filters)


def _german_required() -> str:
    with translation.override("de"):
        return str(forms.Field.default_error_messages["required"])


def test_the_officer_finds_the_person_and_the_search_is_logged(officer, world):
    response = officer.get("/datenschutz/neu/", {"q": "Marta Nowak"})
    html = response.content.decode()
    assert response.status_code == 200 and "Marta Nowak" in html and f"?person={world.person.pk}" in html
    assert SECOND["family_name"] not in html and "Notiztext" not in html
    search = _entries(response, action="search", object_type="person").get()
    assert search.person_ids == [world.person.pk]


def test_opening_a_request_notes_the_identity_and_the_deadline(officer, world):
    url = f"/datenschutz/neu/?person={world.person.pk}"
    received = timezone.localdate() - timedelta(days=2)
    data = {
        "person_id": world.person.pk,
        "kind": "access",
        "received_on": received.isoformat(),
        "identity_document": "id_card",
        "identity_note": "",
        "details": "Möchte wissen, wer ihre Akte gesehen hat",
    }
    response = officer.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and _german_required() in html
    assert "Möchte wissen, wer ihre Akte gesehen hat" in html  # the input is kept
    assert not SubjectRequest.objects.exists()
    data["identity_note"] = "Personalausweis vorgelegt, Name und Geburtsdatum stimmen"
    response = officer.post(url, data)
    request = SubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/datenschutz/{request.pk}/"
    assert request.number == f"DS-{received.year}-{request.pk:05d}" and request.person == world.person
    month_later = date(received.year + (received.month == 12), received.month % 12 + 1, 1)
    assert request.due_on.month == month_later.month and request.due_on > received
    entry = _entries(response, action="create", object_type="subject_request").get()
    assert entry.object_ids == [request.pk] and entry.person_ids == [world.person.pk]
    page = officer.get(f"/datenschutz/{request.pk}/")
    assert request.number in page.content.decode() and _entries(page, action="view", object_type="subject_request")


def test_a_future_receipt_date_is_refused_at_the_field(officer, world):
    response = officer.post(
        f"/datenschutz/neu/?person={world.person.pk}",
        {
            "person_id": world.person.pk,
            "kind": "erasure",
            "received_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "identity_document": "passport",
            "identity_note": "Reisepass gesehen",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_received_on-error"' in html and "Reisepass gesehen" in html


def test_a_decision_needs_a_reason_and_a_stale_form_is_detected(officer, world):
    request = open_request(world, kind="restriction")
    url = f"/datenschutz/{request.pk}/entscheiden/"
    response = officer.post(url, {"version": request.version, "decision": "granted", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="decide_reason-error"' in html and _german_required() in html
    assert 'value="granted" checked' in html or 'checked value="granted"' in html or "checked" in html
    response = officer.post(
        url, {"version": request.version + 5, "decision": "granted", "reason": "Richtigkeit bestritten"}
    )
    assert response.status_code == 200 and "Richtigkeit bestritten" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.OPEN and not request.decision
    response = officer.post(
        url, {"version": request.version, "decision": "granted", "reason": "Richtigkeit bestritten"}
    )
    request.refresh_from_db()
    assert (
        response.status_code == 302 and request.status == Status.DONE and request.decided_by == world.users["auditor"]
    )
    assert _entries(response, action="change", object_type="subject_request").count() == 1


def test_the_deadline_is_extended_once_by_two_months(officer, world):
    request = open_request(world)
    first_due = request.due_on
    url = f"/datenschutz/{request.pk}/frist/"
    response = officer.post(url, {"version": request.version, "reason": "Viele Fälle bei mehreren Stellen"})
    request.refresh_from_db()
    assert response.status_code == 302 and request.due_on > first_due + timedelta(days=55)
    again = officer.post(url, {"version": request.version, "reason": "Noch einmal"})
    assert again.status_code == 200 and 'id="extend_reason-error"' in again.content.decode()


def test_an_access_request_is_answered_after_its_report(officer, world):
    request = open_request(world)
    url = f"/datenschutz/{request.pk}/beantwortet/"
    early = officer.post(url, {"version": request.version, "note": "Persönlich übergeben"})
    assert early.status_code == 200 and 'id="answer_note-error"' in early.content.decode()
    assert officer.get(f"/datenschutz/{request.pk}/auskunft.pdf").status_code == 200
    request.refresh_from_db()
    response = officer.post(url, {"version": request.version, "note": "Persönlich übergeben"})
    request.refresh_from_db()
    assert response.status_code == 302 and request.status == Status.DONE and request.completion_note
    # Answered: the content is not read again for it.
    assert officer.get(f"/datenschutz/{request.pk}/auskunft/").status_code == 404


def test_a_granted_erasure_is_carried_out_by_the_retention_machinery(officer, world):
    request = open_request(world, person=world.second_person, kind="erasure")
    response = officer.post(
        f"/datenschutz/{request.pk}/entscheiden/",
        {"version": request.version, "decision": "granted", "reason": "Keine Aufbewahrungspflicht mehr ersichtlich"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.DONE and request.decision == "granted"
    assert request.outcome["erased"], request.outcome
    person = Person.objects.get(pk=world.second_person.pk)
    assert person.family_name != SECOND["family_name"] and person.given_name != SECOND["given_name"]
    assert world.second_case.notes.filter(text__contains=SECOND["note"]).count() == 0
    assert _entries(response, object_type="subject_request", action="change").count() == 1
    assert _entries(response, object_type="person", person_ids=[world.second_person.pk]).exists()
    page = officer.get(f"/datenschutz/{request.pk}/").content.decode()
    assert 'id="outcome-heading"' in page and SECOND["family_name"] not in page
    # The payment is kept (budget law) and said so.
    kept_kinds = {row["kind"] for row in request.outcome.get("kept", [])}
    assert "payments" in kept_kinds or any("payment" in k for k in kept_kinds), request.outcome
    # The first person is untouched.
    assert Person.objects.get(pk=world.person.pk).family_name == "Nowak"


def test_a_refused_erasure_changes_nothing(officer, world):
    request = open_request(world, person=world.second_person, kind="erasure")
    response = officer.post(
        f"/datenschutz/{request.pk}/entscheiden/",
        {"version": request.version, "decision": "refused", "reason": "§ 84 SGB X: Aufbewahrungspflicht"},
    )
    request.refresh_from_db()
    assert response.status_code == 302 and request.status == Status.REFUSED and request.outcome == {}
    assert Person.objects.get(pk=world.second_person.pk).family_name == SECOND["family_name"]


def test_the_list_shows_what_is_due(officer, world):
    due = open_request(world)
    SubjectRequest.objects.filter(pk=due.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    later = open_request(world, kind="rectification")
    SubjectRequest.objects.filter(pk=later.pk).update(due_on=timezone.localdate() + timedelta(days=25))
    response = officer.get("/datenschutz/", {"zeige": "due"})
    html = response.content.decode()
    assert due.number in html and later.number not in html
    entry = _entries(response, action="list", object_type="subject_request").get()
    assert entry.object_ids == [due.pk]
    assert later.number in officer.get("/datenschutz/").content.decode()


ODD = ["", "²", "-1", "99999999999999999999999", "31.02.2026", "2026-13-40", "<b>x</b>", "x" * 2500, "\x00"]


@pytest.mark.parametrize("odd", ODD)
def test_odd_input_never_answers_a_server_error(officer, world, odd):
    request = open_request(world, kind="erasure")
    posts = {
        f"/datenschutz/{request.pk}/entscheiden/": {"version": odd, "decision": odd, "reason": odd},
        f"/datenschutz/{request.pk}/frist/": {"version": request.version, "reason": odd},
        f"/datenschutz/{request.pk}/beantwortet/": {"version": odd, "note": odd},
        f"/datenschutz/neu/?person={world.person.pk}": {
            "person_id": world.person.pk,
            "kind": odd,
            "received_on": odd,
            "identity_document": odd,
            "identity_note": odd,
            "details": odd,
        },
    }
    for url, data in posts.items():
        response = officer.post(url, data)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
    assert officer.get("/datenschutz/", {"zeige": odd}).status_code == 200
    assert officer.get("/datenschutz/neu/", {"q": odd}).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(officer, world, django_assert_max_num_queries):
    for kind in ("access", "erasure", "restriction", "rectification"):
        open_request(world, kind=kind)
        open_request(world, person=world.second_person, kind=kind)
    officer.get("/datenschutz/")  # the session and the officer's roles, once
    with django_assert_max_num_queries(12):
        response = officer.get("/datenschutz/", {"zeige": "all"})
    assert response.content.decode().count("/datenschutz/") >= 8
