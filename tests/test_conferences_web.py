"""The conference pages: the owner convenes through the form, participants see the conference
within their grant, everybody else (and a withdrawn participant) gets the same 404 on every
page and step; minutes only after the confidentiality statement; actions become tasks; the
invitation parses as iCalendar in Europe/Berlin."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from access.conferences import conference_for
from accounts.second_factor import second_factor_required
from casework.models import Task
from conferences import services
from conferences.models import Conference, ConferenceAction, ConfidentialityConfirmation, Guest

from .conferences_world import build, convene
from .conftest import confirmed_device, login

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
STEPS = [
    "bestaetigen",
    "gaeste",
    "protokoll",
    "beschluss",
    "massnahme",
    "anwesenheit",
    "zurueckziehen",
    "absagen",
    "einladen",
    "pruefen",
]


def client_for(user) -> Client:
    client = Client()
    login(client, user, device=confirmed_device(user) if second_factor_required(user) else None)
    return client


def _side(user, conference):
    return conference_for(user, conference.pk, Conference.objects.select_related("case"))


def _convene_post(world, **overrides):
    start = (timezone.localtime() + timedelta(days=5)).replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "title": "Fallkonferenz Wohnung",
        "purpose": "Hilfen abstimmen",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Stadtteilbüro Nordend",
        "agenda": "Wohnung\nArbeit",
        "guests": "Frau Weber, Schule am Buchhügel",
        "p0-agency": world.jobcenter.pk,
        "p0-scope": "collaborate",
        "p0-legal_basis": f"consent:{world.consent.pk}",
    }
    data.update(overrides)
    return data


def test_owner_convenes_through_the_form():
    world = build()
    client = client_for(world.users["sw"])
    assert client.get(f"/faelle/{world.case.pk}/fallkonferenzen/").status_code == 200
    assert client.get(f"/faelle/{world.case.pk}/fallkonferenzen/neu/").status_code == 200
    response = client.post(f"/faelle/{world.case.pk}/fallkonferenzen/neu/", _convene_post(world))
    conference = Conference.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fallkonferenzen/{conference.pk}/"
    assert conference.guests.get().organisation == "Schule am Buchhügel"
    assert [a.title for a in conference.agenda.all()] == ["Wohnung", "Arbeit"]


def test_form_keeps_input_and_shows_the_missing_basis_at_the_row():
    world = build()
    client = client_for(world.users["sw"])
    data = _convene_post(world, **{"p1-agency": world.other.pk, "p1-scope": "basic", "p1-legal_basis": ""})
    response = client.post(f"/faelle/{world.case.pk}/fallkonferenzen/neu/", data)
    assert response.status_code == 400
    form = response.context["participant_forms"][1]
    assert "legal_basis" in form.errors and "Beratungsstelle Nord" in form.errors["legal_basis"][0]
    assert response.context["form"]["title"].value() == "Fallkonferenz Wohnung"
    assert not Conference.objects.exists()


def test_bad_dates_at_the_fields():
    world = build()
    client = client_for(world.users["sw"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/faelle/{world.case.pk}/fallkonferenzen/neu/", _convene_post(world, starts_at=past))
    assert response.status_code == 400 and "starts_at" in response.context["form"].errors
    assert not Conference.objects.exists()


def test_participant_sees_minutes_only_after_confirming():
    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    with time_machine.travel(conference.starts_at + timedelta(minutes=30)):
        services.minutes_finalise(
            actor=sw, side=_side(sw, conference), text="Protokolltext-9c2e", version=conference.version
        )
    jc = client_for(world.users["jc"])
    page = jc.get(f"/fallkonferenzen/{conference.pk}/")
    assert page.status_code == 200 and b"Protokolltext-9c2e" not in page.content
    assert jc.get(f"/fallkonferenzen/{conference.pk}/protokoll.pdf").status_code == 404
    assert jc.post(f"/fallkonferenzen/{conference.pk}/bestaetigen/").status_code == 302
    assert ConfidentialityConfirmation.objects.filter(user=world.users["jc"]).exists()
    page = jc.get(f"/fallkonferenzen/{conference.pk}/")
    assert b"Protokolltext-9c2e" in page.content
    pdf = jc.get(f"/fallkonferenzen/{conference.pk}/protokoll.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The participant does not write: each owner step is a 404 for it.
    for step in STEPS[1:]:
        assert jc.post(f"/fallkonferenzen/{conference.pk}/{step}/", {"decision-text": "x"}).status_code == 404
    assert jc.post(f"/fallkonferenzen/{conference.pk}/protokoll/entwurf/", {"minutes-minutes": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["unrelated", "other", "withdrawn", "clerk_of_partner"])
def test_outsiders_get_404_everywhere(who):
    world = build()
    conference = convene(world)
    user = world.users.get(who)
    if who == "withdrawn":
        services.participant_withdraw(
            actor=world.users["sw"],
            side=_side(world.users["sw"], conference),
            participant_id=conference.participants.get().pk,
            reason="Nicht mehr zuständig",
        )
        user = world.users["jc"]
    if who == "clerk_of_partner":
        from agencies.roles import Role

        from .factories import member

        user = member(Role.AUDITOR, world.jobcenter, username="jc-auditor")
    client = client_for(user)
    base = f"/fallkonferenzen/{conference.pk}/"
    for url in (base, base + "einladung.ics", base + "protokoll.pdf"):
        assert client.get(url).status_code == 404, url
    for step in [*STEPS, "protokoll/entwurf"]:
        assert client.post(f"{base}{step}/", {}).status_code == 404, step
    assert conference.pk not in [c.pk for c in client.get("/fallkonferenzen/").context["conferences"]]
    assert client.get(f"/faelle/{world.case.pk}/fallkonferenzen/").status_code == 404


def test_action_becomes_a_task_of_the_actions_agency_and_assignee():
    world = build()
    conference = convene(world)
    client = client_for(world.users["sw"])
    response = client.post(
        f"/fallkonferenzen/{conference.pk}/massnahme/",
        {"action-agency": world.jobcenter.pk, "action-assignee": world.users["jc"].pk, "action-text": "BuT-Antrag"},
    )
    assert response.status_code == 302
    action = ConferenceAction.objects.get()
    task = Task.objects.get(pk=action.task_id)
    assert (task.agency, task.assignee, task.case, task.title) == (
        world.jobcenter,
        world.users["jc"],
        world.case,
        "BuT-Antrag",
    )
    # The partner sees it in the case workspace and ticks it off: the action is done.
    jc = client_for(world.users["jc"])
    assert b"BuT-Antrag" in jc.get(f"/faelle/{world.case.pk}/aufgaben/").content
    task.done_at = timezone.now()
    task.save()
    action.refresh_from_db()
    assert action.effective_status == ConferenceAction.Status.DONE


def test_action_assignee_must_belong_to_the_agency():
    world = build()
    conference = convene(world)
    client = client_for(world.users["sw"])
    response = client.post(
        f"/fallkonferenzen/{conference.pk}/massnahme/",
        {"action-agency": world.jobcenter.pk, "action-assignee": world.users["sw"].pk, "action-text": "x"},
    )
    assert response.status_code == 400 and "assignee" in response.context["forms"]["action"].errors
    assert not Task.objects.exists()


def test_minutes_autosave_checks_the_version():
    world = build()
    conference = convene(world)
    client = client_for(world.users["sw"])
    url = f"/fallkonferenzen/{conference.pk}/protokoll/entwurf/"
    first = client.post(url, {"minutes-minutes": "Entwurf eins", "minutes-version": conference.version})
    assert first.status_code == 200 and f'value="{conference.version + 1}"'.encode() in first.content
    stale = client.post(url, {"minutes-minutes": "veraltet", "minutes-version": conference.version})
    assert stale.status_code == 409
    conference.refresh_from_db()
    assert conference.minutes_draft == "Entwurf eins"
    assert b"Entwurf eins" in client.get(f"/fallkonferenzen/{conference.pk}/").content


def test_follow_up_reviews_open_actions():
    world = build()
    first = convene(world)
    sw = world.users["sw"]
    services.action_add(actor=sw, side=_side(sw, first), agency=world.owner, assignee=sw, text="Vermieter anrufen")
    second = convene(world, days=10, previous=first)
    client = client_for(sw)
    page = client.get(f"/fallkonferenzen/{second.pk}/")
    assert b"Vermieter anrufen" in page.content
    action = first.actions.get()
    client.post(f"/fallkonferenzen/{second.pk}/pruefen/", {"action": action.pk, "status": "circumstances_changed"})
    action.refresh_from_db()
    assert action.status == "circumstances_changed" and action.reviewed_in == second


@pytest.mark.parametrize(
    ("day", "offset"),
    [(datetime(2027, 3, 26, 10, tzinfo=BERLIN), "+01:00"), (datetime(2027, 3, 29, 10, tzinfo=BERLIN), "+02:00")],
)
def test_ics_holds_europe_berlin_times_across_dst(day, offset):
    world = build()
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=BERLIN), tick=False):
        world.consent.valid_until = day.date() + timedelta(days=60)
        world.consent.save()
        start = day
        conference = convene(world, starts_at=start, ends_at=start + timedelta(hours=2))
        response = client_for(world.users["jc"]).get(f"/fallkonferenzen/{conference.pk}/einladung.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").isoformat().endswith(offset)
    assert event.decoded("DTEND") == start + timedelta(hours=2)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    assert "Nowak" not in response.content.decode()


def test_conference_page_query_count_is_bounded(django_assert_max_num_queries):
    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    client, jc = client_for(sw), client_for(world.users["jc"])
    jc.post(f"/fallkonferenzen/{conference.pk}/bestaetigen/")
    client.get(f"/fallkonferenzen/{conference.pk}/")  # warm the session
    jc.get(f"/fallkonferenzen/{conference.pk}/")
    counts = []
    for _round in range(2):
        for who in (client, jc):
            with CaptureQueriesContext(connection) as queries:
                assert who.get(f"/fallkonferenzen/{conference.pk}/").status_code == 200
            counts.append(len(queries))
        for n in range(6):
            services.decision_add(actor=sw, side=_side(sw, conference), text=f"Beschluss {n}")
            services.action_add(actor=sw, side=_side(sw, conference), agency=world.owner, assignee=sw, text=f"M {n}")
            Guest.objects.create(conference=conference, name=f"Gast {n}")
    assert counts[:2] == counts[2:], counts  # no query per decision, action or guest
    # A fixed cost per page: the case's risk assessment adds the reader's access to the case.
    with django_assert_max_num_queries(34):
        client.get(f"/fallkonferenzen/{conference.pk}/")


def test_owner_records_attendance_invites_withdraws_and_cancels():
    world = build()
    conference = convene(world)
    client = client_for(world.users["sw"])
    base = f"/fallkonferenzen/{conference.pk}/"
    participant = conference.participants.get()
    response = client.post(
        base + "anwesenheit/", {"participant": participant.pk, "attendance": "apologised", "sent_information": "on"}
    )
    participant.refresh_from_db()
    assert response.status_code == 302 and participant.attendance == "apologised" and participant.sent_information
    outsider = {"participant": participant.pk, "attendance": "present", "representative": world.users["sw"].pk}
    refused = client.post(base + "anwesenheit/", outsider)
    assert refused.status_code == 400 and refused.context["step_errors"]
    present = {"participant": participant.pk, "attendance": "present", "representative": world.users["jc"].pk}
    assert client.post(base + "anwesenheit/", present).status_code == 302
    participant.refresh_from_db()
    assert participant.representative == world.users["jc"] and not participant.sent_information
    response = client.post(
        base + "einladen/",
        {"invite-agency": world.other.pk, "invite-scope": "basic", "invite-legal_basis": f"statute:{world.statute.pk}"},
    )
    assert response.status_code == 302
    invited = conference.participants.get(agency=world.other)
    assert invited.grant.approval == "pending" and invited.grant.scope == "basic"
    response = client.post(base + "einladen/", {"invite-agency": world.jobcenter.pk, "invite-scope": "basic"})
    assert response.status_code == 400 and "agency" in response.context["forms"]["invite"].errors
    response = client.post(base + "zurueckziehen/", {"participant": invited.pk, "withdraw-reason": ""})
    assert response.status_code == 400
    invited.refresh_from_db()
    assert invited.withdrawn_at is None
    response = client.post(base + "zurueckziehen/", {"participant": invited.pk, "withdraw-reason": "Doppelt"})
    invited.refresh_from_db()
    assert response.status_code == 302 and invited.withdrawn_at is not None and invited.grant.revoked_at is not None
    conference.refresh_from_db()
    stale = client.post(base + "absagen/", {"cancel-reason": "Erledigt", "cancel-version": conference.version - 1})
    assert stale.status_code == 400
    response = client.post(base + "absagen/", {"cancel-reason": "Erledigt", "cancel-version": conference.version})
    conference.refresh_from_db()
    assert response.status_code == 302 and conference.status == "cancelled"
    assert conference.participants.get(agency=world.jobcenter).grant.revoked_at is not None


def test_case_tab_is_the_owners():
    world = build()
    convene(world)
    assert client_for(world.users["clerk"]).get(f"/faelle/{world.case.pk}/fallkonferenzen/").status_code == 200
    assert client_for(world.users["clerk"]).get(f"/faelle/{world.case.pk}/fallkonferenzen/neu/").status_code == 404
    jc = client_for(world.users["jc"])
    assert jc.get(f"/faelle/{world.case.pk}/fallkonferenzen/").status_code == 404
    assert jc.get(f"/faelle/{world.case.pk}/fallkonferenzen/neu/").status_code == 404


def _entries(response):
    from audit.models import AccessLogEntry

    return list(AccessLogEntry.objects.filter(request_id=response["X-Request-ID"]))


@pytest.mark.parametrize("who", ["unrelated", "jc"])
def test_refusals_are_logged_once_as_denied_and_pages_as_views(who):
    world = build()
    conference = convene(world)
    client = client_for(world.users[who])
    base = f"/fallkonferenzen/{conference.pk}/"
    refused = [
        ("get", f"/faelle/{world.case.pk}/fallkonferenzen/"),
        ("get", f"/faelle/{world.case.pk}/fallkonferenzen/neu/"),
        ("get", base + "protokoll.pdf"),
        ("post", base + "protokoll/"),
        ("post", base + "protokoll/entwurf/"),
        ("post", base + "unbekannt/"),
    ]
    if who == "unrelated":
        refused += [("get", base), ("get", base + "einladung.ics"), ("post", base + "bestaetigen/")]
    for method, url in refused:
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        entries = _entries(response)
        assert [e.outcome for e in entries] == ["denied"], (url, [(e.action, e.object_type) for e in entries])
    if who == "jc":
        for url in (base, base + "einladung.ics", "/fallkonferenzen/"):
            response = client.get(url)
            entries = _entries(response)
            assert response.status_code == 200 and entries and {e.outcome for e in entries} == {"allowed"}, url
            assert {e.action for e in entries} <= {"view", "print"}


ODD = ["", "abc", "-1", "99999999999999999999", "1e99", "٣", "<b>x</b>", "2026-02-30", "x" * 5000]


@pytest.mark.parametrize("value", ODD)
def test_odd_input_never_answers_5xx(value):
    world = build()
    conference = convene(world)
    client = client_for(world.users["sw"])
    base = f"/fallkonferenzen/{conference.pk}/"
    fields = {
        "participant": value,
        "attendance": value,
        "representative": value,
        "sent_information": value,
        "withdraw-reason": value,
        "cancel-reason": value,
        "cancel-version": value,
        "minutes-minutes": value,
        "minutes-version": value,
        "decision-text": value,
        "action-agency": value,
        "action-assignee": value,
        "action-text": value,
        "action-due_on": value,
        "invite-agency": value,
        "invite-scope": value,
        "invite-legal_basis": value,
        "action": value,
        "status": value,
    }
    for step in [*STEPS, "protokoll/entwurf"]:
        assert client.post(f"{base}{step}/", fields).status_code < 500, step
    convene_fields = {k: value for k in _convene_post(world)}
    assert client.post(f"/faelle/{world.case.pk}/fallkonferenzen/neu/", convene_fields).status_code < 500
    assert client.get(f"/fallkonferenzen/{value or 'x'}/").status_code in (404,)


def test_guests_presence_chair_and_minutes_end_with_the_grant(settings):
    settings.CONFERENCE_GRANT_DAYS_AFTER = 14
    world = build()
    with pytest.raises(ValidationError) as error:
        convene(world, chair=world.users["jc"])
    assert "chair" in error.value.message_dict
    conference = convene(world, chair=world.users["lead"])
    assert conference.chair == world.users["lead"]
    client = client_for(world.users["sw"])
    guest = conference.guests.get()
    assert client.post(f"/fallkonferenzen/{conference.pk}/gaeste/", {"present": [guest.pk]}).status_code == 302
    guest.refresh_from_db()
    assert guest.present
    sw = world.users["sw"]
    conference.refresh_from_db()
    with time_machine.travel(conference.starts_at + timedelta(minutes=5)):
        services.minutes_finalise(
            actor=sw, side=_side(sw, conference), text="Protokoll-77aa", version=conference.version
        )
    jc = client_for(world.users["jc"])
    jc.post(f"/fallkonferenzen/{conference.pk}/bestaetigen/")
    assert b"Protokoll-77aa" in jc.get(f"/fallkonferenzen/{conference.pk}/").content
    with time_machine.travel(conference.ends_at + timedelta(days=15)):
        jc, client = client_for(world.users["jc"]), client_for(sw)  # the sessions ran out meanwhile
        page = jc.get(f"/fallkonferenzen/{conference.pk}/")
        assert page.status_code == 200 and b"Protokoll-77aa" not in page.content
        assert jc.get(f"/fallkonferenzen/{conference.pk}/protokoll.pdf").status_code == 404
        assert b"Protokoll-77aa" in client.get(f"/fallkonferenzen/{conference.pk}/").content


def test_withdrawn_agency_can_be_invited_again():
    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    participant = conference.participants.get()
    services.participant_withdraw(actor=sw, side=_side(sw, conference), participant_id=participant.pk, reason="Irrtum")
    again = services.participant_invite(
        actor=sw,
        side=_side(sw, conference),
        row={"agency": world.jobcenter, "scope": "basic", "consent": world.consent},
    )
    assert again.pk == participant.pk and again.withdrawn_at is None and again.scope == "basic"
    assert again.grant.revoked_at is None and again.grant_id != participant.grant_id
    assert _side(world.users["jc"], conference).attends
