"""A world for the consultation-hour tests: MainArbeit (a Jobcenter) with two Stadtteilbüros
below it (agencies of their own whose locations are the offices), its team lead, staff and
administrator; a city office in Hannover with its own team lead and staff; an auditor; one
walk-in hour (Tuesdays 10–12, Nordend) and one with 20-minute appointments (Thursdays 14–16,
Lauterborn); a case of MainArbeit and a case of the city office that MainArbeit cannot see.
Hours are written through the real service."""

from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo

from agencies.models import Agency, District, Location
from agencies.roles import Role
from consultations import schedule, services
from referrals.models import Offer, OfferLocation, Provider

from .factories import AgencyFactory, member
from .world import open_case

BERLIN = ZoneInfo("Europe/Berlin")
STAFF_LAST_NAME = "Sprechstundenkraft"
LEAD_LAST_NAME = "Leitungsperson"
PERSON_NAMES = ("Vogelsang", "Ilse", "Fremdmann")


@dataclass
class ConsultationWorld:
    users: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)
    locations: dict = field(default_factory=dict)
    districts: dict = field(default_factory=dict)
    hours: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    offer: Offer | None = None


def hour_data(location, **changes) -> dict:
    data = {
        "location": location,
        "title": "BuT-Sprechstunde",
        "topics": ["but_education", "sgb2_benefits"],
        "languages": ["de", "tr"],
        "mode": "walk_in",
        "slot_minutes": None,
        "rrule": schedule.build_rule(["TU"], 1),
        "starts_on": date(2026, 11, 3),
        "ends_on": None,
        "start_time": time(10),
        "end_time": time(12),
        "holiday_region": "HE",
        "public_note": "Bitte Bescheid mitbringen.",
        "is_active": True,
        "staff": [],
    }
    data.update(changes)
    return data


def build_consultation_world() -> ConsultationWorld:
    world = ConsultationWorld()
    of = "Offenbach am Main"
    for name, municipality in (("Nordend", of), ("Lauterborn", of), ("Mitte", "Hannover")):
        world.districts[name] = District.objects.create(municipality=municipality, name=name)
    mainarbeit = AgencyFactory(name="MainArbeit Test", kind=Agency.Kind.JOBCENTER, municipality=of)
    city = AgencyFactory(name="Fachdienst Teststadt", municipality="Hannover")
    world.agencies.update(mainarbeit=mainarbeit, city=city)
    for key in ("Nordend", "Lauterborn"):
        office = AgencyFactory(
            name=f"Stadtteilbüro {key} Test", kind=Agency.Kind.NEIGHBOURHOOD_OFFICE, parent=mainarbeit, municipality=of
        )
        world.agencies[key] = office
        world.locations[key] = Location.objects.create(
            agency=office,
            name=f"Stadtteilbüro {key}",
            street="Bernardstraße 60",
            postal_code="63067",
            city=of,
            district=world.districts[key],
        )
    world.locations["city"] = Location.objects.create(
        agency=city, name="Rathaus", street="Trammplatz 2", postal_code="30159", city="Hannover"
    )
    _members(world)
    _hours(world)
    world.cases["own"] = open_case(world.users["staff"], family_name="Vogelsang", given_name="Ilse", title="BuT")
    world.cases["foreign"] = open_case(world.users["city_staff"], family_name="Fremdmann", given_name="Otto")
    provider = Provider.objects.create(name="Sozialrechtshilfe Test e. V.")
    world.offer = Offer.objects.create(provider=provider, name="Sozialrechtliche Beratung", category="legal")
    OfferLocation.objects.create(
        offer=world.offer, street="Goethestraße 9", postal_code="63067", city=of, district=world.districts["Nordend"]
    )
    return world


def _members(world: ConsultationWorld) -> None:
    mainarbeit, city = world.agencies["mainarbeit"], world.agencies["city"]
    world.users["lead"] = member(Role.TEAM_LEAD, mainarbeit, username="ma-lead", last_name=LEAD_LAST_NAME)
    world.users["staff"] = member(
        Role.PARTNER_STAFF, mainarbeit, username="ma-staff", first_name="Petra", last_name=STAFF_LAST_NAME
    )
    world.users["admin"] = member(Role.ADMINISTRATOR, mainarbeit, username="ma-admin", is_staff=True)
    world.users["office_staff"] = member(Role.PARTNER_STAFF, world.agencies["Nordend"], username="stb-staff")
    world.users["city_lead"] = member(Role.TEAM_LEAD, city, username="city-lead")
    world.users["city_staff"] = member(Role.SOCIAL_WORKER, city, username="city-staff")
    world.users["auditor"] = member(Role.AUDITOR, username="cons-auditor")


def _hours(world: ConsultationWorld) -> None:
    lead, mainarbeit = world.users["lead"], world.agencies["mainarbeit"]
    world.hours["walk_in"] = services.hour_save(
        actor=lead,
        agency=mainarbeit,
        data=hour_data(world.locations["Nordend"], staff=[world.users["staff"]]),
    )
    world.hours["slots"] = services.hour_save(
        actor=lead,
        agency=mainarbeit,
        data=hour_data(
            world.locations["Lauterborn"],
            title="SGB-II-Beratung",
            topics=["sgb2_benefits", "work_training"],
            rrule=schedule.build_rule(["TH"], 1),
            start_time=time(14),
            end_time=time(16),
            mode="slots",
            slot_minutes=20,
        ),
    )
