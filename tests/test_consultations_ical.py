"""The public iCalendar feed: it parses, holds local times in Europe/Berlin across the
daylight-saving change, lists exceptions and holidays as EXDATEs, keeps its UIDs, and a
district's feed holds only that district's hours. No login, no personal data."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from icalendar import Calendar

from consultations import schedule, services
from consultations.models import ConsultationException

from .consultations_world import BERLIN, PERSON_NAMES, STAFF_LAST_NAME, build_consultation_world, hour_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_consultation_world()


def _feed(client, query: str = "") -> Calendar:
    response = client.get(f"/sprechstunden/kalender.ics{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(calendar) -> dict[str, object]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_a_tuesday_hour_stays_at_ten_local_time_across_the_change(client, world):
    hour = world.hours["walk_in"]
    hour.starts_on = date(2027, 3, 16)
    hour.save()
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=BERLIN), tick=False):
        event = _events(_feed(client))["BuT-Sprechstunde"]
    start = event.decoded("dtstart")
    assert start == datetime(2027, 3, 16, 10, tzinfo=BERLIN)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("dtend").time() == time(12)
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["TU"]
    # Expanded as a calendar would: 10:00 local before and after 28 March 2027, the offset moves.
    rule = schedule.rule_of(hour)
    before, after = rule.between(datetime(2027, 3, 20, tzinfo=BERLIN), datetime(2027, 4, 1, tzinfo=BERLIN))
    assert (before.hour, after.hour) == (10, 10)
    assert before.astimezone(UTC).hour == 9 and after.astimezone(UTC).hour == 8


def test_the_feed_carries_its_time_zone_and_stable_uids(client, world):
    calendar = _feed(client)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    uids = {str(event["uid"]) for event in calendar.walk("VEVENT")}
    assert uids == {f"{hour.uid}@notlagen" for hour in world.hours.values()}
    services.hour_save(
        actor=world.users["lead"],
        agency=world.agencies["mainarbeit"],
        hour=world.hours["walk_in"],
        version=world.hours["walk_in"].version,
        data=hour_data(world.locations["Nordend"], title="BuT-Sprechstunde neu"),
    )
    assert {str(event["uid"]) for event in _feed(client).walk("VEVENT")} == uids


def test_exceptions_and_holidays_are_exdates_and_the_last_day_is_until(client, world):
    hour = world.hours["slots"]  # Thursdays 14–16 in Hesse
    hour.ends_on = date(2027, 6, 30)
    hour.save()
    ConsultationException.objects.create(hour=hour, date=date(2027, 1, 14), kind="cancelled")
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=BERLIN), tick=False):
        event = _events(_feed(client))["SGB-II-Beratung"]
    exdates = {moment.dt for line in _as_list(event["exdate"]) for moment in line.dts}
    assert datetime(2027, 1, 14, 14, tzinfo=BERLIN) in exdates  # cancelled
    assert datetime(2027, 5, 27, 14, tzinfo=BERLIN) in exdates  # Corpus Christi in Hesse
    assert datetime(2026, 12, 24, 14, tzinfo=BERLIN) not in exdates  # Christmas Eve is no holiday
    assert all(moment.tzinfo is not None and moment.time() == time(14) for moment in exdates)
    assert event["rrule"]["UNTIL"] == [datetime(2027, 6, 30, 21, 59, 59, tzinfo=UTC)]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_a_districts_feed_holds_only_its_hours(client, world):
    nordend = world.districts["Nordend"]
    assert set(_events(_feed(client, f"?stadtteil={nordend.pk}"))) == {"BuT-Sprechstunde"}
    assert _events(_feed(client, f"?stadtteil={world.districts['Mitte'].pk}")) == {}
    assert client.get("/sprechstunden/kalender.ics?stadtteil=999999").status_code == 404
    assert client.get("/sprechstunden/kalender.ics?stadtteil=x").status_code == 404


def test_inactive_and_ended_hours_are_not_in_the_feed(client, world):
    world.hours["walk_in"].is_active = False
    world.hours["walk_in"].save()
    world.hours["slots"].ends_on = date(2026, 11, 30)
    world.hours["slots"].save()
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BERLIN), tick=False):
        assert _events(_feed(client)) == {}


def test_the_feed_names_no_staff_and_no_person(client, world):
    content = client.get("/sprechstunden/kalender.ics").content.decode()
    for name in (STAFF_LAST_NAME, *PERSON_NAMES, world.users["staff"].username):
        assert name not in content
    assert "Bernardstraße 60" in content
