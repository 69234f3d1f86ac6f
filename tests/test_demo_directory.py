"""The demo directory: about forty invented offers in both demo cities, loaded idempotently,
with the agencies' offers by their exact names, every category, valid opening hours, fictitious
contact data, and the gaps the committee's inventory is meant to show."""

import re

import pytest

from agencies.models import Agency, District
from fixtures import demo_directory
from fixtures.demo_directory import load_directory
from referrals.models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup, Provider, Schedule
from referrals.schedules import check_openings, format_hours, parse_hours
from referrals.vocabulary import Capacity, Category, Language, TargetGroup

from .factories import AgencyFactory

pytestmark = pytest.mark.django_db

DISTRICTS = {
    "Hannover": [
        "Mitte",
        "Linden-Nord",
        "Linden-Süd",
        "Vahrenheide",
        "Sahlkamp",
        "Mühlenberg",
        "Hainholz",
        "Roderbruch",
    ],
    "Offenbach am Main": ["Nordend", "Lauterborn", "Senefelder Quartier", "Innenstadt"],
}
AGENCY_OFFERS = {
    "frauenberatung": ["Beratung bei häuslicher Gewalt", "Gruppenangebot für Kinder nach häuslicher Gewalt"],
    "menschenhandel": ["Fachberatung gegen Menschenhandel und Ausbeutung"],
    "schuldnerberatung": ["Schuldner- und Insolvenzberatung", "Budgetberatung bei Mietschulden"],
}
EXTERNAL_OFFERS = {
    "Migrationsberatung für Erwachsene": ("migration", "Hannover", "Hainholz"),
    "Wohnungsnotfallhilfe – Zentrale Beratungsstelle": ("housing", "Hannover", "Mitte"),
    "Rechtsberatung für Menschen mit geringem Einkommen": ("legal", "Hannover", "Mitte"),
    "Deutschkurs mit Kinderbetreuung": ("education", "Offenbach am Main", "Nordend"),
    "Frauenhaus-Notaufnahme Offenbach": ("violence", "Offenbach am Main", None),
}


@pytest.fixture
def agencies():
    for municipality, names in DISTRICTS.items():
        for name in names:
            District.objects.create(municipality=municipality, name=name)
    kind = Agency.Kind.COUNSELLING_CENTRE
    return {
        "frauenberatung": AgencyFactory(name="Frauenberatung Lindenblatt", kind=kind),
        "menschenhandel": AgencyFactory(name="Fachberatung Weitblick", kind=kind),
        "schuldnerberatung": AgencyFactory(name="Schuldnerberatung Nord", kind=kind),
    }


@pytest.fixture
def offers(agencies):
    return load_directory(agencies)


def _counts() -> dict[str, int]:
    models = [Provider, Offer, OfferLocation, Schedule, OfferLanguage, OfferTargetGroup, Offer.districts.through]
    return {model.__name__: model.objects.count() for model in models}


def _has_offer(category: str, municipality: str, district: str) -> bool:
    return Offer.objects.filter(
        category=category, districts__municipality=municipality, districts__name=district
    ).exists()


def test_about_forty_offers_spread_over_both_cities(offers):
    assert len(offers) == Offer.objects.count() == len(demo_directory.OFFERS)
    assert 35 <= len(offers) <= 45
    in_hannover = Offer.objects.filter(locations__city="Hannover").distinct().count()
    in_offenbach = Offer.objects.filter(locations__city="Offenbach am Main").distinct().count()
    assert (in_hannover, in_offenbach) == (28, 12)
    for municipality, names in DISTRICTS.items():
        for name in names:
            assert Offer.objects.filter(districts__municipality=municipality, districts__name=name).exists(), name


def test_running_twice_creates_nothing_new(agencies, offers):
    before = _counts()
    again = load_directory(agencies)
    assert _counts() == before
    assert {name: offer.pk for name, offer in again.items()} == {name: offer.pk for name, offer in offers.items()}


def test_the_agencies_offer_exactly_their_named_offers(agencies, offers):
    for key, names in AGENCY_OFFERS.items():
        provider = Provider.objects.get(agency=agencies[key])
        assert provider.name == agencies[key].name
        assert sorted(provider.offers.values_list("name", flat=True)) == sorted(names)
    violence = offers["Beratung bei häuslicher Gewalt"]
    assert violence.category == Category.VIOLENCE
    assert violence.free_of_charge and violence.anonymous_possible
    assert sorted(violence.language_codes) == ["de", "en", "pl", "tr"]
    assert violence.target_group_codes == ["women"]
    location = violence.locations.get()
    assert (location.street, location.postal_code, location.city) == ("Limmerstraße 41", "30451", "Hannover")
    assert location.district.name == "Linden-Nord"
    assert violence.districts.count() == len(DISTRICTS["Hannover"])
    group = offers["Gruppenangebot für Kinder nach häuslicher Gewalt"]
    assert (group.category, sorted(group.target_group_codes)) == ("violence", ["families", "young_people"])
    trafficking = offers["Fachberatung gegen Menschenhandel und Ausbeutung"]
    assert trafficking.category == Category.TRAFFICKING and trafficking.anonymous_possible
    assert sorted(trafficking.language_codes) == ["bg", "de", "en", "ro", "ru"]
    assert sorted(trafficking.target_group_codes) == ["refugees", "women"]
    debt = offers["Schuldner- und Insolvenzberatung"]
    assert (debt.category, debt.capacity, debt.waiting_days) == ("debt", Capacity.WAITING_LIST, 21)
    assert debt.target_group_codes == ["everyone"]
    assert offers["Budgetberatung bei Mietschulden"].category == Category.HOUSING


def test_the_named_external_offers(offers):
    for name, (category, city, district) in EXTERNAL_OFFERS.items():
        offer = offers[name]
        assert offer.provider.agency is None and offer.category == category, name
        location = offer.locations.get()
        assert location.city == city, name
        assert (location.district.name if location.district else None) == district, name
    shelter = offers["Frauenhaus-Notaufnahme Offenbach"]
    assert shelter.anonymous_possible and shelter.target_group_codes[0] == "women"
    assert shelter.locations.get().schedules.count() == 7


def test_every_category_and_a_variety_of_attributes(offers):
    assert set(Offer.objects.values_list("category", flat=True)) == set(Category.values)
    assert set(OfferTargetGroup.objects.values_list("code", flat=True)) <= set(TargetGroup.values)
    assert len(set(OfferTargetGroup.objects.values_list("code", flat=True))) >= 8
    assert set(OfferLanguage.objects.values_list("code", flat=True)) <= set(Language.values)
    assert len(set(OfferLanguage.objects.values_list("code", flat=True))) >= 10
    assert {Capacity.WAITING_LIST, Capacity.FULL} <= set(Offer.objects.values_list("capacity", flat=True))
    assert not Offer.objects.exclude(capacity=Capacity.AVAILABLE).filter(waiting_days=None).exists()
    assert Offer.objects.filter(free_of_charge=False).exists()
    assert Offer.objects.filter(anonymous_possible=True).exists()
    assert {True, False} == set(OfferLocation.objects.values_list("wheelchair_accessible", flat=True))
    assert OfferLocation.objects.filter(accessibility="Aufzug vorhanden").exists()
    assert OfferLocation.objects.filter(accessibility="Eingang über Hof, 3 Stufen").exists()
    assert not Offer.objects.filter(contact_name="").exists()
    assert not Offer.objects.filter(description="").exists()
    assert not Offer.objects.filter(eligibility="").exists()


def test_the_inventory_has_gaps_in_each_city(offers):
    assert not _has_offer("addiction", "Hannover", "Roderbruch")
    assert not _has_offer("addiction", "Hannover", "Mühlenberg")
    assert not _has_offer("debt", "Offenbach am Main", "Lauterborn")
    assert _has_offer("addiction", "Hannover", "Linden-Nord")
    assert _has_offer("debt", "Offenbach am Main", "Nordend")
    # Served districts stay within the offer's own city.
    for offer in Offer.objects.prefetch_related("districts", "locations"):
        assert {d.municipality for d in offer.districts.all()} == {offer.locations.all()[0].city}, offer.name


def test_all_schedules_are_valid(offers):
    hours = {row[1]: row[7] for row in demo_directory.OFFERS}
    for location in OfferLocation.objects.select_related("offer").prefetch_related("schedules"):
        openings = [(s.weekday, s.opens_at, s.closes_at) for s in location.schedules.all()]
        assert openings, location.offer.name
        check_openings(openings)
        assert sorted(openings) == sorted(parse_hours(hours[location.offer.name])), location.offer.name
        assert sorted(parse_hours(format_hours(openings))) == sorted(openings), location.offer.name
    assert OfferLocation.objects.count() == Offer.objects.count()


def test_contact_data_is_fictitious(offers):
    phone = re.compile(r"^(0511|069) 000 \d{4}$")
    for record in [*Provider.objects.all(), *Offer.objects.all()]:
        assert phone.match(record.phone), record.phone
        assert record.email.endswith("@demo.notlagen.invalid"), record.email
    assert all(p.website.startswith("https://example.org/") for p in Provider.objects.all())
    assert all(o.url.startswith("https://example.org/") for o in Offer.objects.all())
