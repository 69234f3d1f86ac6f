"""The public pages of consultation hours work without login and name no one: no staff, no
person of a case. By district, with the next dates and cancellations; a municipality filter; a
printable poster per Stadtteilbüro; a fixed number of queries however many hours there are."""

from datetime import date, datetime, time

import pytest
import time_machine

from accounts.models import User
from agencies.models import Agency
from agencies.roles import Role
from cases.models import Person
from consultations import schedule, services
from consultations.models import ConsultationException, ConsultationHour
from fixtures import demo_data
from fixtures.demo_consultations import STAFF_USERNAME, load_consultations
from fixtures.loader import load_demo_data

from .conftest import login
from .consultations_world import (
    BERLIN,
    LEAD_LAST_NAME,
    PERSON_NAMES,
    STAFF_LAST_NAME,
    build_consultation_world,
    hour_data,
)
from .factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december(db):
    with time_machine.travel(datetime(2026, 12, 7, 9, tzinfo=BERLIN), tick=False):
        yield


@pytest.fixture
def world(db):
    return build_consultation_world()


def _no_one_named(page: str, world) -> None:
    for name in (STAFF_LAST_NAME, LEAD_LAST_NAME, *PERSON_NAMES):
        assert name not in page
    for user in world.users.values():
        assert user.last_name not in page and f">{user.username}<" not in page


def test_the_list_is_public_by_district_with_next_dates(client, world):
    ConsultationException.objects.create(
        hour=world.hours["walk_in"], date=date(2026, 12, 8), kind="cancelled", note="Teamfortbildung"
    )
    response = client.get("/sprechstunden/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(">Lauterborn") < page.index(">Nordend")
    for text in (
        "BuT-Sprechstunde",
        "Jede Woche: Dienstag, 10:00–12:00 Uhr",
        "Teamfortbildung",
        "Dienstag, 15. Dezember 2026",
        "Bildung und Teilhabe (BuT)",
        "Türkisch",
        "Offene Sprechstunde, ohne Termin.",
        "Termine zu je 20 Minuten; bitte vorher buchen.",
        "Bernardstraße 60, 63067 Offenbach am Main",
        f"/sprechstunden/kalender.ics?stadtteil={world.districts['Nordend'].pk}",
        f"/sprechstunden/aushang/{world.locations['Nordend'].pk}/",
    ):
        assert text in page, text
    _no_one_named(page, world)


def test_the_municipality_filter(client, world):
    world.locations["city"].district = world.districts["Mitte"]
    world.locations["city"].save()
    services.hour_save(
        actor=world.users["city_lead"],
        agency=world.agencies["city"],
        data=hour_data(world.locations["city"], title="Sprechstunde im Rathaus", holiday_region="NI"),
    )
    everything = client.get("/sprechstunden/").content.decode()
    assert "Sprechstunde im Rathaus" in everything and "BuT-Sprechstunde" in everything
    hannover = client.get("/sprechstunden/?gemeinde=Hannover").content.decode()
    assert "Sprechstunde im Rathaus" in hannover and "BuT-Sprechstunde" not in hannover
    unknown = client.get("/sprechstunden/?gemeinde=Atlantis").content.decode()
    assert "Sprechstunde im Rathaus" in unknown and "BuT-Sprechstunde" in unknown


def test_inactive_hours_are_not_listed(client, world):
    ConsultationHour.objects.filter(pk=world.hours["walk_in"].pk).update(is_active=False)
    page = client.get("/sprechstunden/").content.decode()
    assert "BuT-Sprechstunde" not in page and "SGB-II-Beratung" in page


def test_the_poster_of_a_stadtteilbuero(client, world):
    response = client.get(f"/sprechstunden/aushang/{world.locations['Nordend'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "consultations/poster.css" in page and 'class="poster__title"' in page
    assert "BuT-Sprechstunde" in page and "SGB-II-Beratung" not in page
    _no_one_named(page, world)
    assert client.get(f"/sprechstunden/aushang/{world.locations['city'].pk}/").status_code == 404
    assert client.get("/sprechstunden/aushang/999999/").status_code == 404


def test_logged_in_staff_see_the_same_page(client, world):
    login(client, world.users["staff"])
    assert "BuT-Sprechstunde" in client.get("/sprechstunden/").content.decode()


def _pages_within(client, world, assert_max):
    # The list: municipalities, hours, exceptions; the poster: the location and its hours
    # (existence, location, hours, exceptions); the feed: hours and exceptions.
    for url, queries in (
        ("/sprechstunden/", 3),
        (f"/sprechstunden/aushang/{world.locations['Nordend'].pk}/", 4),
        ("/sprechstunden/kalender.ics", 2),
    ):
        with assert_max(queries):
            assert client.get(url).status_code == 200


def test_queries_do_not_grow_with_the_hours(client, world, django_assert_max_num_queries):
    _pages_within(client, world, django_assert_max_num_queries)
    for number in range(12):
        hour = services.hour_save(
            actor=world.users["lead"],
            agency=world.agencies["mainarbeit"],
            data=hour_data(
                world.locations["Nordend" if number % 2 else "Lauterborn"],
                title=f"Sprechstunde {number}",
                rrule=schedule.build_rule(["MO", "FR"], 1 + number % 2),
                start_time=time(8 + number % 8),
                end_time=time(9 + number % 8),
            ),
        )
        ConsultationException.objects.create(hour=hour, date=date(2026, 12, 11), kind="holiday")
    _pages_within(client, world, django_assert_max_num_queries)


def test_the_demo_pages_name_no_staff_and_no_person(client):
    load_demo_data()
    agencies = {spec["key"]: Agency.objects.get(name=spec["name"]) for spec in demo_data.AGENCIES}
    if not User.objects.filter(username=STAFF_USERNAME).exists():
        member(Role.PARTNER_STAFF, agencies["mainarbeit"], username=STAFF_USERNAME, last_name="Ostheimer")
    load_consultations(agencies)
    load_consultations(agencies)  # idempotent
    assert ConsultationHour.objects.filter(agency=agencies["mainarbeit"]).count() == 3
    staff = User.objects.get(username=STAFF_USERNAME)
    assert ConsultationHour.objects.filter(staff=staff).exists()
    pages = [client.get("/sprechstunden/").content.decode(), client.get("/sprechstunden/kalender.ics").content.decode()]
    pages += [
        client.get(f"/sprechstunden/aushang/{hour.location_id}/").content.decode()
        for hour in ConsultationHour.objects.all()
    ]
    names = {staff.last_name, *Person.objects.values_list("family_name", flat=True)}
    names |= set(User.objects.filter(memberships__agency=agencies["mainarbeit"]).values_list("last_name", flat=True))
    for page in pages:
        assert "BuT-Sprechstunde" in page or "SGB-II-Beratung" in page
        for name in filter(None, names):
            assert name not in page, name
