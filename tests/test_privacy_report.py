"""Art. 15 GDPR: the data-protection officer's report of one person. It lists every agency that
had a grant and every logged access; nothing of a second person (Jonas Becker, same agency,
same partner) ever appears in the PDF, the JSON or the preview; every record read is logged
with the request's purpose; the number of queries does not grow with the records."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from cases import services as case_services
from cases.models import AccessGrant
from privacy import services
from privacy.assembly import assemble
from privacy.assembly_log import entries_for
from privacy.models import SubjectRequest

from .conftest import confirmed_device, login, world_for_the_module
from .pdf_text import pdf_text
from .test_privacy_world import SECOND, THIRD_PARTY, build_privacy_world, seal_everything

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


def open_request(world, person=None, kind="access") -> SubjectRequest:
    person = person or world.person
    return SubjectRequest.objects.create(
        number=f"T-{person.pk}-{kind[:4]}",
        person=person,
        person_number=person.pk,
        kind=kind,
        received_on=timezone.localdate() - timedelta(days=3),
        due_on=services.due_date(timezone.localdate() - timedelta(days=3)),
        identity_document="id_card",
        identity_note="Personalausweis vorgelegt, Angaben stimmen überein",
        opened_by=world.users["auditor"],
    )


def _second_persons_marks(world) -> list[str]:
    return [
        SECOND["given_name"],
        SECOND["family_name"],
        SECOND["note"],
        SECOND["title"],
        SECOND["consent_purpose"],
        world.second_case.reference,
        "DE02120300000000202051",
        THIRD_PARTY,
        "Kundennr. 4711",  # the third party's remittance line
    ]


def test_the_report_lists_every_agency_with_a_grant_and_every_logged_access(officer, world):
    request = open_request(world)
    # What was logged before the report; the report request's own reads are found at once too.
    logged = entries_for(person_id=world.person.pk, case_ids=[world.case.pk])
    response = officer.get(f"/datenschutz/{request.pk}/auskunft.json")
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["schema"] == "notlagen.art15/1" and report["request"]["number"] == request.number
    granted = set(
        AccessGrant.objects.filter(case__person=world.person, approval__in=AccessGrant.IN_FORCE).values_list(
            "grantee_agency__name", flat=True
        )
    )
    assert granted >= {"Partner basic", "Partner collaborate", "Partner finance", "Partner sensitive"}
    assert {r["agency"] for r in report["recipients"]} == granted
    bases = {g["basis"]["kind"] for g in report["grants"]}
    assert bases == {"consent", "statute"}
    assert len(report["access_log"]) == len(logged) > 0
    assert [e["time"][:19] for e in report["access_log"]] == [e.time.isoformat()[:19] for e in logged]
    partner_reads = [e for e in report["access_log"] if e["agency"] == "Partner collaborate"]
    assert partner_reads and all(e["who"] == "partner-collaborate" for e in partner_reads)


def test_every_section_holds_the_persons_own_records(officer, world):
    request = open_request(world)
    report = json.loads(officer.get(f"/datenschutz/{request.pk}/auskunft.json").content)
    assert report["person"]["id"] == world.person.pk and report["person"]["family_name"] == "Nowak"
    assert {n["category"] for n in report["notes"]} == {"general", "health", "violence", "residence", "finances"}
    assert [d["title"] for d in report["documents"]] == ["Mietbescheid"]
    assert [r["offer"] for r in report["referrals"]] == ["Schuldnerberatung"]
    assert report["conferences"][0]["participants"][0]["agency"] == "Partner finance"
    assert [c["case"] for c in report["consultation_contacts"]] == [world.case.reference]
    assert {p["amount"] for p in report["payments"]} == {"310.00", "120.00"}
    third = next(p for p in report["payments"] if p["amount"] == "310.00")
    assert third["paid_to"] == "third_party" and "account" not in third
    assert len(report["consents"]) == 1 and report["consents"][0]["agencies"] == ["Partner collaborate"]
    cases = {c["reference"] for c in report["cases"]}
    assert cases == {world.case.reference}
    for section in ("notes", "documents", "grants", "referrals", "payments", "conferences", "consultation_contacts"):
        assert {row["case"] for row in report[section]} <= cases, section


def test_a_second_persons_data_never_appears(officer, world):
    request = open_request(world)
    pdf = officer.get(f"/datenschutz/{request.pk}/auskunft.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Auskunft" in text or "Information about your data" in text
    assert "Nowak" in text and world.case.reference in text and "Notiztext-health-7f3a" in text
    raw_json = officer.get(f"/datenschutz/{request.pk}/auskunft.json").content.decode()
    preview = officer.get(f"/datenschutz/{request.pk}/auskunft/").content.decode()
    assert "Notiztext-violence-7f3a" in raw_json and "Notiztext-violence-7f3a" in preview
    for mark in _second_persons_marks(world):
        assert mark not in text, f"PDF shows {mark!r}"
        assert mark not in raw_json, f"JSON shows {mark!r}"
        assert mark not in preview, f"preview shows {mark!r}"
    report = json.loads(raw_json)
    second_notes = set(world.second_case.notes.values_list("pk", flat=True))
    assert report["person"]["id"] == world.person.pk
    assert not {n["id"] for n in report["notes"]} & second_notes


def test_every_record_read_is_logged_with_the_requests_purpose(officer, world):
    request = open_request(world)
    response = officer.get(f"/datenschutz/{request.pk}/auskunft.json")
    entries = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], purpose=request.purpose)
    by_type = {}
    for entry in entries:
        by_type.setdefault(entry.object_type, set()).update(entry.object_ids)
        assert entry.person_ids == [world.person.pk] and entry.actor == world.users["auditor"]
    assert by_type["note"] == set(world.case.notes.values_list("pk", flat=True))
    assert by_type["payment"] == {world.payment_third.pk, world.payment_own.pk}
    assert {"case", "person", "grant", "consent", "document", "referral", "conference", "access_log"} <= set(by_type)
    second_notes = set(world.second_case.notes.values_list("pk", flat=True))
    assert not by_type["note"] & second_notes
    request.refresh_from_db()
    assert request.report_produced_at is not None


def test_the_queries_do_not_grow_with_the_records(world, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True
    request = open_request(world)
    auditor = world.users["auditor"]
    assemble(actor=auditor, request=request)  # the officer's memberships, cached per user
    with CaptureQueriesContext(connection) as few:
        assemble(actor=auditor, request=request)
    sw = world.users["social_worker"]
    from access.case_access import case_access

    readable = case_access(user=sw, case_id=world.case.pk, report=False)
    for n in range(25):
        case_services.note_add(actor=sw, case=readable, category="general", text=f"Weitere Notiz {n}")
    seal_everything()
    assemble(actor=auditor, request=request)
    with CaptureQueriesContext(connection) as many:
        report = assemble(actor=auditor, request=request)
    assert len(report["notes"]) >= 30
    assert len(many.captured_queries) == len(few.captured_queries) <= 45


def test_a_document_copy_is_its_own_logged_download(officer, world):
    request = open_request(world)
    response = officer.get(f"/datenschutz/{request.pk}/dokumente/{world.document.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    entry = AccessLogEntry.objects.get(request_id=response["X-Request-ID"], object_type="document")
    assert entry.action == "export" and entry.object_ids == [world.document.pk] and entry.purpose == request.purpose
    # A document of another person's case is not found through this request (and that is logged).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from access.case_access import case_access
    from casework.services import document_add

    sw = world.users["social_worker"]
    other = document_add(
        actor=sw,
        case=case_access(user=sw, case_id=world.second_case.pk, report=False),
        title="Fremd",
        category="general",
        upload=SimpleUploadedFile("f.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    refused = officer.get(f"/datenschutz/{request.pk}/dokumente/{other.pk}/")
    assert refused.status_code == 404
    assert AccessLogEntry.objects.filter(request_id=refused["X-Request-ID"], outcome="denied").count() == 1


def test_no_report_for_a_request_that_is_not_an_open_access_request(officer, world):
    erasure = open_request(world, kind="erasure")
    response = officer.get(f"/datenschutz/{erasure.pk}/auskunft.pdf")
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], outcome="denied").count() == 1
    assert not AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], object_type="note").exists()


def test_a_withheld_note_is_left_out_of_the_persons_copy_and_said_so(officer, world):
    """Art. 15(4): a note that names another person is withheld, with the reason; the preview
    still shows it, marked; putting it back restores it."""
    request = open_request(world)
    note = world.case.notes.get(category="violence")
    url = f"/datenschutz/{request.pk}/auskunft/zurueckhalten/"
    missing = officer.post(url, {"version": request.version, "record": f"note:{note.pk}", "reason": ""})
    assert missing.status_code == 200 and 'id="withhold_reason-error"' in missing.content.decode()
    other = world.second_case.notes.first()
    foreign = officer.post(url, {"version": request.version, "record": f"note:{other.pk}", "reason": "Dritte"})
    assert foreign.status_code == 200 and 'id="withhold_record-error"' in foreign.content.decode()
    reason = "Nennt die Nachbarin und ihre Aussage"
    response = officer.post(url, {"version": request.version, "record": f"note:{note.pk}", "reason": reason})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.withheld[0]["id"] == note.pk and request.version == 2
    copy = json.loads(officer.get(f"/datenschutz/{request.pk}/auskunft.json").content)
    assert "Notiztext-violence-7f3a" not in json.dumps(copy) and copy["withheld"] == [
        {"kind": "note", "reason": reason}
    ]
    text = pdf_text(officer.get(f"/datenschutz/{request.pk}/auskunft.pdf").content)
    assert "Notiztext-violence-7f3a" not in text and reason in text
    preview = officer.get(f"/datenschutz/{request.pk}/auskunft/").content.decode()
    assert "Notiztext-violence-7f3a" in preview
    officer.post(url, {"version": request.version, "record": f"note:{note.pk}", "release": "1"})
    request.refresh_from_db()
    assert request.withheld == []
    assert "Notiztext-violence-7f3a" in officer.get(f"/datenschutz/{request.pk}/auskunft.json").content.decode()


def test_names_outside_latin_1_are_written_without_accents_in_the_pdf():
    from privacy.report_pdf import latin

    assert latin("Ağaoğlu, Łukasz Dvořák – Müller") == "Agaoglu, Lukasz Dvorák – Müller"
