"""Keeping consultation hours: team leads and administrators of the hour's agency create and
change them through the friendly form (weekday boxes, every week or every two weeks), enter and
remove exceptions; bad input is named at its field with nothing saved; a stale form does not
overwrite; everybody else gets the same 404 as for a missing page, logged as denied."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from consultations import services
from consultations.models import ConsultationException, ConsultationHour

from .conftest import login
from .consultations_world import BERLIN, build_consultation_world, hour_data

pytestmark = pytest.mark.django_db
NEW = "/sprechstunden/verwalten/neu/"


@pytest.fixture
def world(db):
    return build_consultation_world()


@pytest.fixture(autouse=True)
def _december(db):
    with time_machine.travel(datetime(2026, 12, 7, 9, tzinfo=BERLIN), tick=False):
        yield


def _form(world, **changes) -> dict:
    data = {
        "agency": world.agencies["mainarbeit"].pk,
        "title": "Schuldnerberatung im Stadtteil",
        "location": world.locations["Lauterborn"].pk,
        "topics": ["debts", "housing"],
        "languages": ["de", "ru"],
        "weekdays": ["MO", "WE"],
        "interval": "2",
        "start_time": "09:00",
        "end_time": "11:30",
        "starts_on": "2026-12-07",
        "ends_on": "",
        "mode": "walk_in",
        "slot_minutes": "",
        "holiday_region": "HE",
        "public_note": "",
        "staff": [world.users["staff"].pk],
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_team_lead_creates_an_hour_from_weekday_boxes(client, world):
    login(client, world.users["lead"])
    response = client.post(NEW, _form(world))
    hour = ConsultationHour.objects.get(title="Schuldnerberatung im Stadtteil")
    assert response.status_code == 302 and response["Location"] == f"/sprechstunden/verwalten/{hour.pk}/"
    assert hour.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"
    assert hour.agency == world.agencies["mainarbeit"] and list(hour.staff.all()) == [world.users["staff"]]
    page = client.get(response["Location"]).content.decode()
    assert "Alle 2 Wochen: Montag, Mittwoch, 09:00–11:30 Uhr" in page
    assert "Schuldnerberatung im Stadtteil" in client.get("/sprechstunden/").content.decode()


def test_end_before_start_is_named_at_the_field_and_nothing_is_saved(client, world):
    login(client, world.users["lead"])
    count = ConsultationHour.objects.count()
    response = client.post(NEW, _form(world, start_time="14:00", end_time="12:00"))
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"] == ["Das Ende muss nach dem Beginn liegen (am selben Tag)."]
    page = response.content.decode()
    assert 'value="Schuldnerberatung im Stadtteil"' in page and "Es wurde noch nichts gespeichert" in page
    assert ConsultationHour.objects.count() == count


def test_every_wrong_field_is_named_at_once(client, world):
    login(client, world.users["lead"])
    response = client.post(
        NEW, _form(world, weekdays=[], mode="slots", slot_minutes="", ends_on="2026-11-01", title=" ")
    )
    errors = response.context["form"].errors
    assert {"weekdays", "title"} <= set(errors)
    response = client.post(NEW, _form(world, mode="slots", slot_minutes="", ends_on="2026-11-01"))
    errors = response.context["form"].errors
    assert errors["slot_minutes"] == ["Bitte geben Sie die Länge eines Termins ein: 5 bis 240 Minuten."]
    assert errors["ends_on"] == ["Der letzte Tag darf nicht vor dem ersten Tag liegen."]
    assert not ConsultationHour.objects.filter(title="Schuldnerberatung im Stadtteil").exists()


def test_an_hour_only_at_the_agencys_own_locations(world):
    with pytest.raises(ValidationError) as raised:
        services.hour_save(
            actor=world.users["lead"], agency=world.agencies["mainarbeit"], data=hour_data(world.locations["city"])
        )
    assert raised.value.message_dict["location"] == [
        "Bitte wählen Sie einen Standort Ihres Trägers oder eines seiner Stadtteilbüros."
    ]


def test_weekdays_outside_the_period_are_refused(world):
    data = hour_data(world.locations["Nordend"], starts_on=date(2026, 12, 9), ends_on=date(2026, 12, 14))
    with pytest.raises(ValidationError) as raised:
        services.hour_save(actor=world.users["lead"], agency=world.agencies["mainarbeit"], data=data)
    assert "rrule" in raised.value.message_dict


def test_a_stale_form_does_not_overwrite(client, world):
    hour = world.hours["walk_in"]
    login(client, world.users["lead"])
    stale = _form(world, version=hour.version, title="Alter Stand", location=world.locations["Nordend"].pk)
    services.hour_save(
        actor=world.users["admin"],
        agency=hour.agency,
        hour=hour,
        version=hour.version,
        data=hour_data(world.locations["Nordend"], title="Neuer Stand"),
    )
    response = client.post(f"/sprechstunden/verwalten/{hour.pk}/bearbeiten/", stale)
    assert response.status_code == 200
    assert "Jemand anderes hat die Sprechstunde inzwischen geändert" in response.content.decode()
    hour.refresh_from_db()
    assert hour.title == "Neuer Stand" and hour.version == 2


def _denied(user, before: int) -> list:
    return list(AccessLogEntry.objects.filter(pk__gt=before, actor=user, outcome="denied"))


@pytest.mark.parametrize("actor", ["city_lead", "staff", "office_staff", "auditor"])
def test_only_the_agencys_leads_edit_its_hours(client, world, actor, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True
    hour = world.hours["walk_in"]
    user = world.users[actor]
    client.force_login(user, backend="agencies.backends.RoleBackend")
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    url = f"/sprechstunden/verwalten/{hour.pk}/bearbeiten/"
    assert client.get(url).status_code == 404
    assert client.post(url, _form(world, version=hour.version, title="Übernommen")).status_code == 404
    assert client.post(f"/sprechstunden/verwalten/{hour.pk}/ausnahmen/", {"date": "2026-12-08"}).status_code == 404
    assert len(_denied(user, before)) == 3
    hour.refresh_from_db()
    assert hour.title == "BuT-Sprechstunde" and not hour.exceptions.exists()


def test_an_administrator_of_the_agency_may_edit(verified_client, world):
    client = verified_client(world.users["admin"])
    hour = world.hours["walk_in"]
    response = client.post(
        f"/sprechstunden/verwalten/{hour.pk}/bearbeiten/",
        _form(world, version=hour.version, location=world.locations["Nordend"].pk, title="Geändert"),
    )
    assert response.status_code == 302
    hour.refresh_from_db()
    assert hour.title == "Geändert" and hour.version == 2


def test_exceptions_are_entered_and_removed(client, world):
    hour = world.hours["walk_in"]  # Tuesdays
    login(client, world.users["lead"])
    url = f"/sprechstunden/verwalten/{hour.pk}/ausnahmen/"
    response = client.post(url, {"date": "2026-12-15", "kind": "cancelled", "note": "Fortbildung"})
    assert response.status_code == 302
    exception = ConsultationException.objects.get(hour=hour)
    assert "Fortbildung" in client.get("/sprechstunden/").content.decode()
    wednesday = client.post(url, {"date": "2026-12-16", "kind": "cancelled"})
    assert wednesday.context["exception_form"].errors["date"] == [
        "An diesem Tag findet die Sprechstunde ohnehin nicht statt."
    ]
    twice = client.post(url, {"date": "2026-12-15", "kind": "holiday"})
    assert twice.context["exception_form"].errors["date"] == ["Für diesen Tag ist bereits eine Ausnahme eingetragen."]
    assert ConsultationException.objects.filter(hour=hour).count() == 1
    client.post(f"/sprechstunden/verwalten/{hour.pk}/ausnahmen/{exception.pk}/entfernen/")
    assert not ConsultationException.objects.filter(hour=hour).exists()


def test_staff_see_their_agencys_hours_and_no_others(client, world, django_assert_max_num_queries):
    login(client, world.users["staff"])
    with django_assert_max_num_queries(20):
        page = client.get("/sprechstunden/verwalten/").content.decode()
    assert "BuT-Sprechstunde" in page and "SGB-II-Beratung" in page
    assert "/bearbeiten/" not in page  # partner staff record contacts; they do not keep the hours
    client.logout()
    login(client, world.users["city_staff"])
    page = client.get("/sprechstunden/verwalten/").content.decode()
    assert "BuT-Sprechstunde" not in page
    assert client.get(f"/sprechstunden/verwalten/{world.hours['walk_in'].pk}/").status_code == 404
