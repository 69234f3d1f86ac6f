"""Work in a consultation hour: recording contacts (anonymous, or linked to a case under the
link rule), booking slots (no overlap) — for the staff of the hour's agency only. A case the
person may not link answers exactly like an unknown case number, and is logged as denied."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from agencies.roles import Role
from agencies.services import membership_add
from audit.models import AccessLogEntry
from consultations import work
from consultations.models import ConsultationBooking, ConsultationContact

from .conftest import login
from .consultations_world import BERLIN, build_consultation_world
from .factories import member

pytestmark = pytest.mark.django_db
UNKNOWN = ["Es wurde kein Fall mit dieser Nummer gefunden."]


@pytest.fixture(autouse=True)
def _december(db):
    # Tuesday 8 December 2026, 11:00: the walk-in hour (Tuesdays 10–12) is on.
    with time_machine.travel(datetime(2026, 12, 8, 11, tzinfo=BERLIN), tick=False):
        yield


@pytest.fixture
def world(db):
    return build_consultation_world()


def _contact(world, **changes) -> dict:
    data = {
        "date": "2026-12-08",
        "topic": "but_education",
        "district": world.districts["Nordend"].pk,
        "first_contact": "1",
        "outcome": "application_started",
        "application_kind": "but",
        "offer": "",
        "case_reference": "",
    }
    data.update(changes)
    return data


def _url(world, kind="walk_in", action="kontakt/") -> str:
    return f"/sprechstunden/verwalten/{world.hours[kind].pk}/{action}"


def _last_log() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_an_anonymous_contact_is_recorded(client, world):
    login(client, world.users["staff"])
    assert client.get(_url(world)).status_code == 200
    before = _last_log()
    response = client.post(_url(world), _contact(world))
    assert response.status_code == 302
    contact = ConsultationContact.objects.get()
    assert (contact.agency, contact.location, contact.case) == (
        world.agencies["mainarbeit"],
        world.locations["Nordend"],
        None,
    )
    assert (contact.topic, contact.first_contact, contact.application_kind) == ("but_education", True, "but")
    assert not AccessLogEntry.objects.filter(pk__gt=before, object_type__in=["case", "consultation_contact"]).exists()
    assert "Der Kontakt wurde anonym erfasst." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2026-12-09"}, "date", "An diesem Tag findet die Sprechstunde nicht statt."),
        ({"date": "2026-12-15"}, "date", "Ein Kontakt kann nicht im Voraus erfasst werden."),
        ({"outcome": "information", "offer": "OFFER"}, "offer", None),
        ({"outcome": "information"}, "application_kind", None),
        ({"first_contact": ""}, "first_contact", "Bitte geben Sie an, ob es der erste Kontakt war."),
        ({"topic": ""}, "topic", "Bitte wählen Sie das Thema."),
    ],
)
def test_bad_contact_input_is_named_at_the_field(client, world, changes, field, message):
    login(client, world.users["staff"])
    if changes.get("offer") == "OFFER":
        changes = {**changes, "offer": world.offer.pk}
    response = client.post(_url(world), _contact(world, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert not ConsultationContact.objects.exists()


def test_a_contact_linked_to_a_case_of_the_agency_is_logged(client, world):
    case = world.cases["own"]
    staff = world.users["staff"]
    login(client, staff)
    before = _last_log()
    response = client.post(_url(world), _contact(world, case_reference=case.reference.lower()))
    assert response.status_code == 302
    contact = ConsultationContact.objects.get()
    assert contact.case == case
    entries = AccessLogEntry.objects.filter(pk__gt=before, actor=staff, case_ids__contains=[case.pk])
    assert {(e.action, e.object_type, e.outcome) for e in entries} == {
        ("view", "case", "allowed"),
        ("create", "consultation_contact", "allowed"),
    }
    assert all(e.agency_id == world.agencies["mainarbeit"].pk for e in entries)


@pytest.mark.parametrize("reference", ["foreign", "F-1999-999999", "<b>x</b>"])
def test_a_case_not_visible_answers_like_an_unknown_number(client, world, reference):
    staff = world.users["staff"]
    login(client, staff)
    value = world.cases["foreign"].reference if reference == "foreign" else reference
    before = _last_log()
    response = client.post(_url(world), _contact(world, case_reference=value))
    assert response.status_code == 200
    assert response.context["form"].errors["case_reference"] == UNKNOWN
    assert f'value="{value}"' in response.content.decode() or reference == "<b>x</b>"
    assert not ConsultationContact.objects.exists()
    denied = AccessLogEntry.objects.filter(pk__gt=before, actor=staff, outcome="denied")
    if reference == "foreign":
        assert [e.case_ids for e in denied] == [[world.cases["foreign"].pk]]
    assert not AccessLogEntry.objects.filter(pk__gt=before, outcome="allowed", object_type="case").exists()


def test_a_link_must_be_allowed_through_the_hours_agency(world):
    """Rights never combine across agencies: staff at MainArbeit who also work at the city
    office may not tie a city case to MainArbeit's consultation hour."""
    both = member(Role.PARTNER_STAFF, world.agencies["mainarbeit"], username="zwei-stellen")
    membership_add(user=both, agency=world.agencies["city"], role=Role.SOCIAL_WORKER)
    data = {"date": date(2026, 12, 8), "topic": "other", "first_contact": False, "outcome": "information"}
    with pytest.raises(ValidationError) as raised:
        work.contact_record(
            actor=both, hour=world.hours["walk_in"], data=data, case_reference=world.cases["foreign"].reference
        )
    assert raised.value.message_dict["case_reference"] == UNKNOWN
    assert AccessLogEntry.objects.filter(actor=both, outcome="denied", case_ids=[world.cases["foreign"].pk]).exists()


@pytest.mark.parametrize("actor", ["city_staff", "office_staff", "auditor"])
def test_only_staff_of_the_hours_agency_record_contacts(client, world, actor, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True
    user = world.users[actor]
    client.force_login(user, backend="agencies.backends.RoleBackend")
    before = _last_log()
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), _contact(world)).status_code == 404
    assert AccessLogEntry.objects.filter(pk__gt=before, actor=user, outcome="denied").count() == 2
    assert not ConsultationContact.objects.exists()


def _booking(world, **changes) -> dict:
    data = {"date": "2026-12-10", "starts_at": "14:20", "label": "Reservierung 1", "case_reference": ""}
    data.update(changes)
    return data


def test_a_slot_is_booked_once(client, world):
    login(client, world.users["staff"])
    url = _url(world, "slots", "termine/")
    assert client.post(url, _booking(world)).status_code == 302
    again = client.post(url, _booking(world, label="Reservierung 2"))
    assert again.status_code == 200
    assert again.context["booking_form"].errors["starts_at"] == [
        "Diese Zeit ist bereits gebucht. Bitte wählen Sie eine andere."
    ]
    assert ConsultationBooking.objects.count() == 1
    booking = ConsultationBooking.objects.get()
    assert (booking.starts_at, booking.ends_at, booking.case) == (time(14, 20), time(14, 40), None)


def test_a_booking_overlapping_an_older_slot_is_refused(world):
    hour = world.hours["slots"]
    staff = world.users["staff"]
    work.booking_add(actor=staff, hour=hour, day=date(2026, 12, 10), starts_at=time(14, 20))
    hour.slot_minutes = 30  # 14:00–14:30 now overlaps the booking 14:20–14:40
    hour.save()
    with pytest.raises(ValidationError) as raised:
        work.booking_add(actor=staff, hour=hour, day=date(2026, 12, 10), starts_at=time(14))
    assert raised.value.message_dict["starts_at"] == ["Diese Zeit ist bereits gebucht. Bitte wählen Sie eine andere."]
    assert work.booking_add(actor=staff, hour=hour, day=date(2026, 12, 10), starts_at=time(15))


def test_bookings_need_an_hour_with_slots_a_coming_date_and_a_visible_case(world):
    staff = world.users["staff"]
    with pytest.raises(ValidationError):
        work.booking_add(actor=staff, hour=world.hours["walk_in"], day=date(2026, 12, 8), starts_at=time(10))
    with pytest.raises(ValidationError) as raised:
        work.booking_add(actor=staff, hour=world.hours["slots"], day=date(2026, 12, 3), starts_at=time(14))
    assert "date" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        work.booking_add(
            actor=staff,
            hour=world.hours["slots"],
            day=date(2026, 12, 10),
            starts_at=time(14),
            case_reference=world.cases["foreign"].reference,
        )
    assert raised.value.message_dict["case_reference"] == UNKNOWN
    assert not ConsultationBooking.objects.exists()
    linked = work.booking_add(
        actor=staff,
        hour=world.hours["slots"],
        day=date(2026, 12, 10),
        starts_at=time(14),
        case_reference=world.cases["own"].reference,
    )
    assert linked.case == world.cases["own"]


def test_a_booking_is_cancelled_and_the_time_is_free_again(client, world):
    hour = world.hours["slots"]
    booking = work.booking_add(actor=world.users["staff"], hour=hour, day=date(2026, 12, 10), starts_at=time(15))
    login(client, world.users["staff"])
    page = client.get(f"/sprechstunden/verwalten/{hour.pk}/").content.decode()
    assert "Reservierung" in page and "15:00–15:20" in page
    assert client.post(_url(world, "slots", f"termine/{booking.pk}/absagen/")).status_code == 302
    assert not ConsultationBooking.objects.exists()
