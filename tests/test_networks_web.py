"""Network meeting pages: the user's networks (query count bounded), the network and meeting
pages for the convener and the participants; a non-participant agency and an agency removed
from the network get a logged 404 on every page and step; the minutes form keeps its input and
warns at the field; the .ics download holds Europe/Berlin times across a change to summer time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from audit.models import AccessLogEntry
from networks import services
from networks.models import Meeting, MeetingAction, Network

from .conftest import login
from .test_networks_services import NetworkWorld, begun, plan

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def world():
    return NetworkWorld()


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _action(world, meeting):
    return services.action_add(
        actor=world.users["sw"],
        side=world.side(),
        meeting_id=meeting.pk,
        agency=world.jobcenter,
        assignee=world.users["jc"],
        text="Merkblatt erstellen",
        due_on=timezone.localdate() + timedelta(days=7),
    )


def _urls(world, meeting, action) -> dict[str, tuple[str, str]]:
    n, m = world.network.pk, meeting.pk
    return {
        "detail": ("get", f"/netzwerke/{n}/"),
        "edit": ("get", f"/netzwerke/{n}/bearbeiten/"),
        "plan": ("get", f"/netzwerke/{n}/treffen/neu/"),
        "meeting": ("get", f"/netzwerktreffen/{m}/"),
        "ics": ("get", f"/netzwerktreffen/{m}/einladung.ics"),
        "autosave": ("post", f"/netzwerktreffen/{m}/protokoll/entwurf/"),
        "minutes": ("post", f"/netzwerktreffen/{m}/protokoll/"),
        "action": ("post", f"/netzwerktreffen/{m}/massnahme/"),
        "done": ("post", f"/netzwerktreffen/massnahmen/{action.pk}/erledigt/"),
    }


def _denied(user) -> int:
    return AccessLogEntry.objects.filter(actor_id=user.pk, outcome="denied").count()


def test_convener_and_participant_pages(world):
    meeting = plan(world)
    action = _action(world, meeting)
    sw, jc = client_for(world.users["sw"]), client_for(world.users["jc"])
    for name, (method, url) in _urls(world, meeting, action).items():
        if method == "get":
            assert sw.get(url).status_code == 200, name
    for name in ("detail", "meeting", "ics"):
        assert jc.get(_urls(world, meeting, action)[name][1]).status_code == 200, name
    # A participant reads, but changes nothing but its own action: a logged 404.
    for name in ("edit", "plan"):
        before = _denied(world.users["jc"])
        assert jc.get(_urls(world, meeting, action)[name][1]).status_code == 404, name
        assert _denied(world.users["jc"]) == before + 1
    assert jc.post(f"/netzwerktreffen/{meeting.pk}/protokoll/", {"minutes-minutes": "x"}).status_code == 404
    page = jc.get(f"/netzwerktreffen/{meeting.pk}/").content.decode()
    assert "Merkblatt erstellen" in page and 'name="minutes-minutes"' not in page
    response = jc.post(f"/netzwerktreffen/massnahmen/{action.pk}/erledigt/", {"done": "on"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None


@pytest.mark.parametrize("who", ["outside", "clerk", "removed"])
def test_non_participants_get_a_logged_404_everywhere(world, who):
    meeting = plan(world)
    action = _action(world, meeting)
    if who == "removed":  # the Jobcenter is taken off the network
        services.network_change(
            actor=world.users["sw"],
            side=world.side(),
            version=world.network.version,
            name=world.network.name,
            agencies=[world.counselling],
        )
        user = world.users["jc"]
    else:
        user = world.users[who]
    client = client_for(user)
    for name, (method, url) in _urls(world, meeting, action).items():
        before = _denied(user)
        response = getattr(client, method)(url, {"minutes-minutes": "x", "minutes-version": "1"})
        assert response.status_code == 404, name
        assert _denied(user) == before + 1, name
    assert client.get("/netzwerke/999999/").status_code == 404
    if who != "clerk":
        assert Network.objects.get().name not in client.get("/netzwerke/").content.decode()


def test_list_page_queries_are_bounded(world, django_assert_max_num_queries):
    for n in range(6):
        network = services.network_create(
            actor=world.users["sw"], name=f"Netzwerk {n}", agencies=[world.jobcenter, world.counselling]
        )
        plan(world, days=3 + n) if n == 0 else None
        network.refresh_from_db()
    client = client_for(world.users["jc"])
    client.get("/netzwerke/")
    with django_assert_max_num_queries(14):
        response = client.get("/netzwerke/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/netzwerke/') >= 7


def test_plan_through_the_form_keeps_input_on_error(world):
    client = client_for(world.users["sw"])
    start = (timezone.localtime() + timedelta(days=5)).replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Stadtteilbüro Nordend",
        "agenda": "Runde\nFallbesprechung (anonym)",
    }
    response = client.post(f"/netzwerke/{world.network.pk}/treffen/neu/", data)
    assert response.status_code == 400 and not Meeting.objects.exists()
    page = response.content.decode()
    assert 'id="id_ends_at-error"' in page and "Stadtteilbüro Nordend" in page
    data["ends_at"] = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/netzwerke/{world.network.pk}/treffen/neu/", data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/netzwerktreffen/{meeting.pk}/"
    assert [a.title for a in meeting.agenda.all()] == ["Runde", "Fallbesprechung (anonym)"]


def test_minutes_warning_at_the_field_and_confirmation(world):
    meeting = begun(plan(world))
    client = client_for(world.users["sw"])
    response = client.post(
        f"/netzwerktreffen/{meeting.pk}/protokoll/entwurf/",
        {"minutes-minutes": "Frau Nowak braucht eine Wohnung", "minutes-version": meeting.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="minutes-names"' in body and "„Nowak“" in body and 'name="minutes-keep_names"' in body
    # The draft survives a reload, with its warning.
    page = client.get(f"/netzwerktreffen/{meeting.pk}/").content.decode()
    assert "Frau Nowak braucht eine Wohnung" in page and "„Nowak“" in page
    meeting.refresh_from_db()
    data = {"minutes-minutes": "Frau Nowak braucht eine Wohnung", "minutes-version": meeting.version}
    response = client.post(f"/netzwerktreffen/{meeting.pk}/protokoll/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_minutes-minutes-error"' in page and 'name="minutes-keep_names"' in page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    response = client.post(f"/netzwerktreffen/{meeting.pk}/protokoll/", {**data, "minutes-keep_names": "on"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_action_through_the_form(world):
    meeting = plan(world)
    client = client_for(world.users["sw"])
    due = (timezone.localdate() + timedelta(days=9)).isoformat()
    data = {
        "action-agency": world.jobcenter.pk,
        "action-assignee": world.users["fb"].pk,
        "action-text": "Merkblatt",
        "action-due_on": due,
    }
    response = client.post(f"/netzwerktreffen/{meeting.pk}/massnahme/", data)
    assert response.status_code == 400 and 'id="id_action-assignee-error"' in response.content.decode()
    assert not MeetingAction.objects.exists()
    response = client.post(
        f"/netzwerktreffen/{meeting.pk}/massnahme/", {**data, "action-assignee": world.users["jc"].pk}
    )
    assert response.status_code == 302
    assert MeetingAction.objects.get().assignee == world.users["jc"]


def test_ics_holds_berlin_times_across_the_change_to_summer_time(world):
    # Planned on a March evening for the Tuesday after the clocks go forward (29 March 2026).
    with time_machine.travel(datetime(2026, 3, 20, 18, 0, tzinfo=BERLIN), tick=False):
        start = datetime(2026, 3, 31, 10, 0, tzinfo=BERLIN)
        meeting = services.meeting_plan(
            actor=world.users["sw"],
            side=world.side(),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Stadtteilbüro Nordend",
        )
        response = client_for(world.users["jc"]).get(f"/netzwerktreffen/{meeting.pk}/einladung.ics")
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start and event.decoded("dtstart").utcoffset() == timedelta(hours=2)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    (zone,) = calendar.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} >= {"STANDARD", "DAYLIGHT"}
    assert "Netzwerk Nordend" in str(event["summary"]) and "Nowak" not in response.content.decode()
