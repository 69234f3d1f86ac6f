"""The first conversation and the case workspace through the web views: the whole flow, drafts,
consent within the conversation, bad input and concurrent edits."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import AccessGrant, Case, CaseEvent, Consent, Person
from casework.models import Appointment, Document, Intake, LifeAreaStatus, Situation, Task

from .conftest import login
from .world import build_world

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(db):
    return build_world()


def _start(client, **overrides) -> Case:
    data = {"alias": "Sonne", "title": "Flucht aus der Wohnung", "contact_channel": "walk_in", "urgency": "immediate"}
    data.update(overrides)
    response = client.post("/erstgespraech/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.latest("pk")


def _step(client, case, step, data, action="next"):
    return client.post(f"/faelle/{case.pk}/erstgespraech/{step}/", {**data, "action": action})


def _areas(*codes, need="support"):
    return {f"{code}-need": need for code in codes}


def test_full_first_conversation_with_a_pseudonymous_person(client, world):
    sw = world.users["social_worker"]
    login(client, sw)
    assert client.get("/erstgespraech/").status_code == 200
    case = _start(client)
    assert case.person.is_pseudonymous and case.intake.status == Intake.Status.DRAFT
    steps = ["anliegen", "haushalt", "wohnen", "schutz", "alltag", "einwilligung", "abschluss"]
    for step in steps:
        assert client.get(f"/faelle/{case.pk}/erstgespraech/{step}/").status_code == 200, step
    situation = Situation.objects.get(case=case)
    response = _step(
        client,
        case,
        "anliegen",
        {
            "version": Case.objects.get(pk=case.pk).version,
            "title": "Flucht aus der Wohnung",
            "summary": "Braucht heute einen Schlafplatz.",
            "contact_channel": "walk_in",
            "urgency": "immediate",
        },
    )
    assert response.status_code == 302 and response.url.endswith("/haushalt/")
    response = _step(client, case, "haushalt", {"version": situation.version, "adults": 1, "children_ages": "3, 7"})
    assert response.status_code == 302
    situation.refresh_from_db()
    assert situation.children_ages == [3, 7]
    response = _step(
        client,
        case,
        "wohnen",
        {
            "version": situation.version,
            **_areas("housing", "income", "debts"),
            "housing-situation": "womens_shelter",
            "housing-flag": "on",
        },
    )
    assert response.status_code == 302
    situation.refresh_from_db()
    response = _step(
        client,
        case,
        "schutz",
        {
            "version": situation.version,
            "contact_restrictions": ["no_mail_home", "address_secret"],
            **_areas("residence", "health", "safety", need="urgent"),
            "safety-situation": "domestic",
        },
    )
    assert response.status_code == 302
    situation.refresh_from_db()
    assert situation.contact_restrictions == ["address_secret", "no_mail_home"]
    response = _step(client, case, "alltag", {"version": situation.version, **_areas("work", "children", "language")})
    assert response.status_code == 302
    assert LifeAreaStatus.objects.filter(case=case).count() == 9
    housing = LifeAreaStatus.objects.get(case=case, area="housing")
    assert housing.situation == "womens_shelter" and housing.flag and housing.category == "general"
    jobcenter = world.agencies["basic"]
    consent = {
        "text": world.consent_text.pk,
        "agencies": [jobcenter.pk],
        "scopes": ["basic"],
        "purpose": "Antrag auf Bürgergeld",
        "given_how": "written",
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    pdf = _step(client, case, "einwilligung", consent, action="pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert not Consent.objects.filter(person=case.person).exists()
    scan = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf")
    response = _step(client, case, "einwilligung", {**consent, "scan": scan})
    assert response.status_code == 302
    given = Consent.objects.get(person=case.person)
    grant = AccessGrant.objects.get(case=case, grantee_agency=jobcenter)
    assert grant.consent == given and grant.scope == "basic"
    assert Document.objects.get(case=case).consent == given
    response = _step(
        client, case, "abschluss", {"immediate_help": "Frauenhaus angerufen", "next_steps": "Termin morgen"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.intake.status == Intake.Status.COMPLETED and case.status == Case.Status.ACTIVE
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"case_opened", "consent", "grant", "document", "intake_completed"} <= kinds
    for url in ("", "verlauf/", "aufgaben/", "dokumente/", "hilfeplan/", "lage/", "uebergabe/"):
        assert client.get(f"/faelle/{case.pk}/{url}").status_code == 200, url


def test_partner_sees_the_basic_scope_with_the_banner(client, world):
    sw = world.users["social_worker"]
    login(client, sw)
    case = _start(client)
    situation = Situation.objects.get(case=case)
    _step(
        client,
        case,
        "schutz",
        {
            "version": situation.version,
            "contact_restrictions": ["no_mail_home"],
            **_areas("residence", "health", "safety"),
        },
    )
    jobcenter = world.agencies["basic"]
    _step(
        client,
        case,
        "einwilligung",
        {
            "text": world.consent_text.pk,
            "agencies": [jobcenter.pk],
            "scopes": ["basic"],
            "purpose": "Antrag auf Bürgergeld",
            "given_how": "oral",
            "witness": "Frau Beispiel",
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    client.logout()
    login(client, world.users["grantee_basic"])
    html = client.get(f"/faelle/{case.pk}/").content.decode()
    assert "Freigabe für Partner basic bis" in html and "Antrag auf Bürgergeld" in html
    assert "Keine Post an die Wohnanschrift" in html  # contact restrictions travel with the basic scope
    assert "Lage nach Lebensbereichen" not in html  # life areas need more than basic
    for url in ("aufgaben/", "dokumente/", "hilfeplan/", "lage/", "uebergabe/", "erstgespraech/anliegen/"):
        assert client.get(f"/faelle/{case.pk}/{url}").status_code == 404, url


def test_draft_is_kept_and_resumed(client, world):
    login(client, world.users["social_worker"])
    case = _start(client)
    response = client.post(
        f"/faelle/{case.pk}/erstgespraech/haushalt/entwurf/",
        {"adults": "2", "children_ages": "4, x", "household_note": "Oma lebt mit im Haushalt"},
    )
    assert response.status_code == 200
    html = client.get(f"/faelle/{case.pk}/erstgespraech/haushalt/").content.decode()
    assert "Oma lebt mit im Haushalt" in html and 'value="4, x"' in html
    # An invalid submit keeps the input and names the problem at the field.
    response = _step(client, case, "haushalt", {"version": 1, "adults": "2", "children_ages": "4, x"})
    assert response.status_code == 400
    assert "0 bis 17" in response.content.decode() and 'value="4, x"' in response.content.decode()
    assert Situation.objects.get(case=case).children_ages == []
    home = client.get("/").content.decode()
    assert case.reference in home  # "first conversations to complete"


def test_later_save_of_the_situation_is_refused_and_shows_the_current_state(client, world):
    login(client, world.users["social_worker"])
    case = _start(client)
    version = Situation.objects.get(case=case).version
    first = _step(client, case, "haushalt", {"version": version, "adults": 2, "household_note": "Erste Fassung"})
    assert first.status_code == 302
    second = _step(client, case, "haushalt", {"version": version, "adults": 3, "household_note": "Zweite Fassung"})
    assert second.status_code == 409
    html = second.content.decode()
    assert "Erste Fassung" in html and "Zweite Fassung" in html
    assert Situation.objects.get(case=case).household_note == "Erste Fassung"


def test_consent_without_agency_is_refused_and_nothing_is_saved(client, world):
    login(client, world.users["social_worker"])
    case = _start(client)
    response = _step(
        client,
        case,
        "einwilligung",
        {
            "text": world.consent_text.pk,
            "scopes": ["basic"],
            "purpose": "Zweck",
            "given_how": "written",
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "mindestens einen Träger" in response.content.decode()
    assert not Consent.objects.filter(person=case.person).exists()


def test_impossible_birth_date_keeps_the_input(client, world):
    login(client, world.users["social_worker"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        "/erstgespraech/",
        {
            "family_name": "Yilmaz",
            "birth_date": future,
            "title": "Miete",
            "contact_channel": "phone",
            "urgency": "soon",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nicht in der Zukunft" in html and 'value="Yilmaz"' in html
    assert not Person.objects.filter(family_name="Yilmaz").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bescheid.pdf", b"<html><script>alert(1)</script></html>", "Dateityp"),
        ("foto.png", b"MZ\x90\x00" + b"\x00" * 100, "Dateityp"),
        ("leer.pdf", b"", "leer"),
    ],
)
def test_disguised_or_empty_uploads_are_refused(client, world, name, content, message):
    login(client, world.users["social_worker"])
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        f"/faelle/{world.case.pk}/dokumente/", {"title": "Bescheid", "category": "general", "file": upload}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Document.objects.exists()


def test_oversized_upload_is_refused(client, world, settings):
    settings.DOCUMENT_MAX_MB = 1
    login(client, world.users["social_worker"])
    upload = SimpleUploadedFile("gross.png", PNG_BYTES + b"\x00" * (1024 * 1024), content_type="image/png")
    response = client.post(
        f"/faelle/{world.case.pk}/dokumente/", {"title": "Foto", "category": "general", "file": upload}
    )
    assert response.status_code == 400 and "zu groß" in response.content.decode()


def test_document_download_is_checked_and_logged(client, world):
    from audit.models import AccessLogEntry

    login(client, world.users["social_worker"])
    upload = SimpleUploadedFile("ausweis.png", PNG_BYTES, content_type="image/png")
    response = client.post(
        f"/faelle/{world.case.pk}/dokumente/", {"title": "Ausweis", "category": "health", "file": upload}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "image/png" and not str(document.file.path).startswith(
        str(world.case.pk) + "/ausweis"
    )
    url = f"/faelle/{world.case.pk}/dokumente/{document.pk}/herunterladen/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG_BYTES
    assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(object_type="document", object_ids=[document.pk], action="view").exists()
    client.logout()
    # A partner with collaborate scope may not open a health document; a clerk neither.
    for actor in ("grantee_collaborate", "clerk", "grantee_basic", "unrelated"):
        login(client, world.users[actor])
        assert client.get(url).status_code == 404, actor
        client.logout()
    login(client, world.users["grantee_sensitive"])
    assert client.get(url).status_code == 200


def test_note_with_a_contact_in_the_future_is_refused(client, world):
    login(client, world.users["social_worker"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/faelle/{world.case.pk}/notizen/",
        {"category": "general", "text": "Telefonat", "contact_channel": "phone", "occurred_on": tomorrow},
    )
    assert response.status_code == 400 and "Zukunft" in response.content.decode()
    assert "Telefonat" in response.content.decode()


def test_tasks_appointments_and_my_tasks(client, world):
    sw = world.users["social_worker"]
    login(client, sw)
    response = client.post(
        f"/faelle/{world.case.pk}/aufgaben/neu/",
        {
            "title": "Wohngeldantrag prüfen",
            "category": "general",
            "assignee": sw.pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert "Wohngeldantrag prüfen" in client.get("/").content.decode()
    response = client.post(
        f"/faelle/{world.case.pk}/aufgaben/{task.pk}/erledigt/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<del>" in response.content.decode()
    assert "Wohngeldantrag prüfen" not in client.get("/").content.decode()
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/faelle/{world.case.pk}/termine/neu/", {"starts_at": past, "place": "Rathaus", "category": "general"}
    )
    assert response.status_code == 400 and "Vergangenheit" in response.content.decode()
    soon = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/faelle/{world.case.pk}/termine/neu/", {"starts_at": soon, "place": "Rathaus", "category": "general"}
    )
    assert response.status_code == 302 and Appointment.objects.count() == 1
    assert "Rathaus" in client.get(f"/faelle/{world.case.pk}/").content.decode()


def test_timeline_pages_with_htmx(client, world):
    sw = world.users["social_worker"]
    login(client, sw)
    from access.case_access import case_access
    from cases.services import note_add

    case = case_access(user=sw, case_id=world.case.pk)
    for i in range(45):
        note_add(actor=sw, case=case, category="general", text=f"Eintrag {i:02d}")
    html = client.get(f"/faelle/{case.pk}/verlauf/").content.decode()
    assert "Eintrag 44" in html and "Eintrag 10" not in html and "vor=" in html
    events = CaseEvent.objects.filter(case=case.case).order_by("-at", "-pk")
    cursor = f"{events[29].at.isoformat()}_{events[29].pk}"
    more = client.get(f"/faelle/{case.pk}/verlauf/", {"vor": cursor}, HTTP_HX_REQUEST="true").content.decode()
    assert "Eintrag 10" in more and "<html" not in more


WORKSPACE_PAGES = ["", "verlauf/", "aufgaben/", "dokumente/", "hilfeplan/", "lage/"]


def _query_counts(client, case) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in WORKSPACE_PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/faelle/{case.pk}/{url}").status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_workspace_query_counts_do_not_grow_with_the_records(client, world):
    """N+1 guard: every page reads a fixed number of queries, however many records it shows."""
    from access.case_access import case_access
    from cases.services import note_add
    from casework import services as work

    sw = world.users["social_worker"]
    Intake.objects.create(case=world.case, contact_channel="walk_in", started_by=sw)
    Situation.objects.create(case=world.case)
    login(client, sw)
    case = case_access(user=sw, case_id=world.case.pk)

    def add_records(n):
        for i in range(n):
            note_add(actor=sw, case=case, category=["general", "health", "finances"][i % 3], text=f"Notiz {i}")
            work.task_add(actor=sw, case=case, title=f"Aufgabe {i}", category="general", assignee=sw)
            work.appointment_add(
                actor=sw,
                case=case,
                starts_at=timezone.now() + timedelta(days=i + 1),
                place="Rathaus",
                category="general",
            )
            upload = SimpleUploadedFile(f"{i}.pdf", PDF_BYTES, content_type="application/pdf")
            work.document_add(actor=sw, case=case, title=f"Dokument {i}", category="general", upload=upload)
            goal = work.goal_add(actor=sw, case=case, area="housing", title=f"Ziel {i}")
            work.goal_step_add(actor=sw, case=case, goal=goal, text="Schritt", responsible="person")

    add_records(2)
    _query_counts(client, case)  # warm the per-process caches (permission ids, content types)
    few = _query_counts(client, case)
    add_records(12)
    many = _query_counts(client, case)
    assert many == few
    # And the pages stay small: the fixed budget per page (session, user, memberships, case,
    # permissions, the page's own reads, the buffered access-log insert).
    assert max(many.values()) <= 25, many


def test_signed_consent_scan_is_for_those_who_keep_consents(client, world):
    """The scan names every agency the case is shared with: partners and clerks never see it."""
    from access.case_access import case_access
    from casework.services import intake_consent_give

    sw = world.users["social_worker"]
    case = case_access(user=sw, case_id=world.case.pk)
    scan = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf")
    consent = intake_consent_give(
        actor=sw,
        case=case,
        agencies=[world.agencies["collaborate"]],
        scopes=["collaborate"],
        purpose="Beratung",
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=30),
        scan=scan,
    )
    document = Document.objects.get(consent=consent)
    url = f"/faelle/{case.pk}/dokumente/{document.pk}/herunterladen/"
    for actor in ("grantee_collaborate", "grantee_sensitive", "clerk"):
        login(client, world.users[actor])
        assert client.get(url).status_code == 404, actor
        assert document.title not in client.get(f"/faelle/{case.pk}/verlauf/").content.decode(), actor
        assert "Partner finance" not in client.get(f"/faelle/{case.pk}/").content.decode(), actor
        client.logout()
    login(client, sw)
    assert client.get(url).status_code == 200
    assert "Partner finance" in client.get(f"/faelle/{case.pk}/").content.decode()


def test_my_tasks_never_combine_a_role_of_one_agency_with_the_scope_of_another(client, world):
    """A clerk of the owning agency (no sensitive notes) who is a social worker elsewhere does not
    see the title of a health task on the home page."""
    from access.case_access import case_access
    from agencies.roles import Role
    from agencies.services import membership_add
    from casework.services import task_add

    from .factories import AgencyFactory

    sw, clerk = world.users["social_worker"], world.users["clerk"]
    membership_add(user=clerk, agency=AgencyFactory(name="Zweiter Träger"), role=Role.SOCIAL_WORKER)
    case = case_access(user=sw, case_id=world.case.pk)
    task_add(actor=sw, case=case, title="Allgemeine Aufgabe", category="general", assignee=clerk)
    Task.objects.create(
        case=world.case,
        category="health",
        title="Arzttermin begleiten",
        assignee=clerk,
        created_by=sw,
        agency=world.owner,
    )
    login(client, clerk)
    home = client.get("/").content.decode()
    assert "Allgemeine Aufgabe" in home and "Arzttermin begleiten" not in home


def test_invalid_note_through_htmx_shows_the_errors_in_place(client, world):
    login(client, world.users["social_worker"])
    response = client.post(
        f"/faelle/{world.case.pk}/notizen/", {"category": "general", "text": "  "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html and 'id="timeline-list"' in html
