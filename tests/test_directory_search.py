"""The help-offer directory as staff search it: every staff role reads it, each filter narrows
it, "open now" follows the clock in Berlin, a case to refer from is carried through, the list
needs the same number of queries for 3 offers as for 20, and the printed list (HTML and PDF)
stops at 50 offers and says so."""

import re
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import District
from agencies.roles import Role
from referrals.models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup, Provider, Schedule
from referrals.schedules import parse_hours

from .factories import AgencyFactory, member

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
LIST = "/hilfeangebote/"


def make_offer(provider, name, category="debt", *, languages=(), groups=(), districts=(), locations=(), **fields):
    """An offer with its rows; `locations`: (district or None, opening hours text) per location."""
    offer = Offer.objects.create(provider=provider, name=name, category=category, **fields)
    offer.districts.set(districts)
    OfferLanguage.objects.bulk_create(OfferLanguage(offer=offer, code=code) for code in languages)
    OfferTargetGroup.objects.bulk_create(OfferTargetGroup(offer=offer, code=code) for code in groups)
    for number, (district, hours) in enumerate(locations, 1):
        location = OfferLocation.objects.create(
            offer=offer, name=f"Standort {number}", street=f"Limmerstraße {number}", postal_code="30451",
            city="Hannover", district=district,
        )  # fmt: skip
        Schedule.objects.bulk_create(
            Schedule(location=location, weekday=day, opens_at=opens, closes_at=closes)
            for day, opens, closes in parse_hours(hours)
        )
    return offer


@pytest.fixture
def directory(agency):
    return build_directory()


def build_directory():
    """Three providers (two agencies in Notlagen, one external), four offers (one inactive)."""
    mitte = District.objects.create(municipality="Hannover", name="Mitte")
    linden = District.objects.create(municipality="Hannover", name="Linden-Nord")
    nordend = District.objects.create(municipality="Offenbach am Main", name="Nordend")
    centre_a = AgencyFactory(name="Schuldnerhilfe Linden e. V.", kind="counselling_centre")
    centre_b = AgencyFactory(name="Frauenberatung Hannover", kind="counselling_centre")
    provider_a = Provider.objects.create(name="Schuldnerhilfe Linden e. V.", agency=centre_a, phone="0511 123")
    provider_b = Provider.objects.create(name="Frauenberatung Hannover", agency=centre_b)
    external = Provider.objects.create(name="Caritas Offenbach")
    offers = {
        "debt": make_offer(
            provider_a, "Schuldnerberatung Linden", "debt", languages=["de", "tr"], groups=["families"],
            districts=[linden], locations=[(linden, "Mo–Fr 09:00–12:00")], eligibility="Menschen mit Schulden",
            free_of_charge=True, anonymous_possible=False, phone="0511 4711",
        ),
        "violence": make_offer(
            provider_b, "Frauennotruf", "violence", languages=["de", "en", "ar"], groups=["women"],
            locations=[(mitte, "Di, Do 14:00–18:00")], description="Beratung nach häuslicher Gewalt",
            anonymous_possible=True, capacity="waiting_list", waiting_days=10,
        ),
        "migration": make_offer(
            external, "Migrationsberatung Offenbach", "migration", languages=["de", "uk"], groups=["refugees"],
            districts=[nordend], free_of_charge=False,
        ),
        "inactive": make_offer(provider_a, "Alte Sprechstunde Linden", "debt", languages=["de"], is_active=False),
    }  # fmt: skip
    return {
        "offers": offers,
        "districts": {"mitte": mitte, "linden": linden, "nordend": nordend},
        "providers": {"a": provider_a, "b": provider_b, "external": external},
        "agencies": {"a": centre_a, "b": centre_b},
    }


def staff(role, directory, agency):
    if role == Role.DIRECTORY_EDITOR:
        return member(role, directory["agencies"]["a"])
    return member(role, agency if role != Role.AUDITOR else None)


def names(response) -> list[str]:
    return [offer.name for offer in response.context["page"].object_list]


@pytest.fixture
def reader(directory, social_worker, verified_client):
    return verified_client(social_worker)


@pytest.mark.parametrize(
    "role",
    [Role.SOCIAL_WORKER, Role.CLERK, Role.TEAM_LEAD, Role.AUDITOR, Role.ADMINISTRATOR, Role.PARTNER_STAFF,
     Role.DIRECTORY_EDITOR],
)  # fmt: skip
def test_every_staff_role_reads_the_directory(role, directory, agency, verified_client):
    client = verified_client(staff(role, directory, agency))
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Frauennotruf", "Migrationsberatung Offenbach", "Schuldnerberatung Linden"]
    offer = directory["offers"]["violence"]
    assert client.get(reverse("referrals:offer", args=[offer.pk])).status_code == 200
    assert client.get(reverse("referrals:directory_print")).status_code == 200


def test_without_a_membership_the_directory_answers_404(directory, client):
    from .factories import UserFactory

    nobody = UserFactory(username="niemand")
    client.force_login(nobody)
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("referrals:offer", args=[directory["offers"]["debt"].pk])).status_code == 404
    assert client.get(reverse("referrals:directory_pdf")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(directory, client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("linden", ["Schuldnerberatung Linden"]),  # name, any case
        ("SCHULDNER", ["Schuldnerberatung Linden"]),
        ("häuslicher gewalt", ["Frauennotruf"]),  # description, every word
        ("häuslicher Schulden", []),
        ("caritas", ["Migrationsberatung Offenbach"]),  # provider
        ("menschen mit", ["Schuldnerberatung Linden"]),  # who can come
        ("beratung", ["Frauennotruf", "Migrationsberatung Offenbach", "Schuldnerberatung Linden"]),
        ("Sprechstunde", []),  # inactive offers never show
    ],
)
def test_free_text_search_on_postgresql(reader, query, expected):
    assert connection.vendor == "postgresql"
    assert names(reader.get(LIST, {"q": query})) == expected


def test_each_filter_narrows_the_list(reader, directory):
    districts = directory["districts"]
    assert names(reader.get(LIST, {"category": "violence"})) == ["Frauennotruf"]
    assert names(reader.get(LIST, {"language": "tr"})) == ["Schuldnerberatung Linden"]
    assert names(reader.get(LIST, {"language": "de", "category": "migration"})) == ["Migrationsberatung Offenbach"]
    assert names(reader.get(LIST, {"target_group": "women"})) == ["Frauennotruf"]
    assert names(reader.get(LIST, {"district": districts["nordend"].pk})) == ["Migrationsberatung Offenbach"]
    # Served there, or a location there: the debt offer is both and appears once.
    assert names(reader.get(LIST, {"district": districts["linden"].pk})) == ["Schuldnerberatung Linden"]
    assert names(reader.get(LIST, {"district": districts["mitte"].pk})) == ["Frauennotruf"]
    assert names(reader.get(LIST, {"free": "on"})) == ["Frauennotruf", "Schuldnerberatung Linden"]
    assert names(reader.get(LIST, {"anonymous": "on"})) == ["Frauennotruf"]
    assert names(reader.get(LIST, {"language": "ar", "anonymous": "on", "q": "notruf"})) == ["Frauennotruf"]


def test_open_now_follows_the_clock_in_berlin(directory, social_worker, client):
    def open_now(moment):
        with time_machine.travel(moment, tick=False):
            client.logout()  # a session idle for hours would end: a new one at each moment
            client.force_login(social_worker)
            return client.get(LIST, {"open_now": "on"})

    tuesday_morning = open_now(datetime(2025, 3, 4, 10, 0, tzinfo=BERLIN))
    assert names(tuesday_morning) == ["Schuldnerberatung Linden"]
    assert tuesday_morning.context["page"].object_list[0].is_open_now
    assert names(open_now(datetime(2025, 3, 4, 13, 30, tzinfo=ZoneInfo("UTC")))) == ["Frauennotruf"]  # 14:30 here
    assert names(open_now(datetime(2025, 3, 4, 12, 0, tzinfo=BERLIN))) == []  # closed at 12:00 sharp
    assert names(open_now(datetime(2025, 3, 8, 10, 0, tzinfo=BERLIN))) == []  # Saturday
    assert names(open_now(datetime(2025, 7, 8, 15, 0, tzinfo=BERLIN))) == ["Frauennotruf"]  # summer time


def test_bad_filter_input_shows_an_error_and_no_offers(reader):
    response = reader.get(LIST, {"category": "astrology", "district": "99999"})
    assert response.status_code == 200
    form = response.context["filter"].form
    assert "category" in form.errors and "district" in form.errors
    assert names(response) == []
    assert 'role="alert"' in response.content.decode()


def test_the_case_to_refer_from_is_carried_through_filters_and_pages(reader, directory):
    provider = directory["providers"]["a"]
    for number in range(30):
        make_offer(provider, f"Zusatzangebot {number:02d}", "debt", languages=["de"])
    response = reader.get(LIST, {"fall": "7", "category": "debt"})
    html = response.content.decode()
    debt = directory["offers"]["debt"]
    referral = reverse("referrals:create", args=[7]) + f"?angebot={debt.pk}"
    assert referral == f"/faelle/7/vermittlungen/neu/?angebot={debt.pk}"
    assert 'name="fall" value="7"' in html  # the filter form keeps it
    next_page = re.search(r'href="\?([^"]*)" rel="next"', html)[1].replace("&amp;", "&")
    assert sorted(next_page.split("&")) == ["category=debt", "fall=7", "seite=2"]
    assert referral in html
    page_two = reader.get(LIST, {"fall": "7", "category": "debt", "seite": "2"})
    assert names(page_two) == [f"Zusatzangebot {n}" for n in range(24, 30)]
    last = Offer.objects.get(name="Zusatzangebot 29")
    assert f"/faelle/7/vermittlungen/neu/?angebot={last.pk}" in page_two.content.decode()
    detail = reader.get(reverse("referrals:offer", args=[debt.pk]), {"fall": "7"})
    assert referral in detail.content.decode()


@pytest.mark.parametrize("value", ["abc", "-3", "0", "7;drop", "99999999999", "٣"])
def test_a_case_number_that_is_no_number_is_ignored(reader, directory, value):
    html = reader.get(LIST, {"fall": value}).content.decode()
    assert "?angebot=" not in html and 'name="fall"' not in html


def _queries_for_the_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_needs_as_many_queries_for_3_offers_as_for_20(reader, directory, django_assert_max_num_queries):
    few = _queries_for_the_list(reader)
    provider, mitte = directory["providers"]["b"], directory["districts"]["mitte"]
    for number in range(17):
        make_offer(
            provider, f"Beratung {number}", "health", languages=["de", "en"], groups=["everyone"],
            districts=[mitte], locations=[(mitte, "Mo 9-12; Di 9-12")] * 2,
        )  # fmt: skip
    with django_assert_max_num_queries(few):
        response = reader.get(LIST)
    assert len(names(response)) == 20
    assert few <= 20, f"{few} queries for the directory list"


def test_the_detail_page_shows_everything(reader, directory):
    offer = directory["offers"]["violence"]
    html = reader.get(reverse("referrals:offer", args=[offer.pk])).content.decode()
    for text in ["Frauennotruf", "Frauenberatung Hannover", "Beratung nach häuslicher Gewalt", "Limmerstraße 1",
                 "30451 Hannover", "Di, Do 14:00–18:00", "Mitte (Hannover)"]:  # fmt: skip
        assert text in html, text
    assert reverse("referrals:offer_edit", args=[offer.pk]) not in html  # a social worker does not edit
    assert 'class="shell-nav"' in html


def test_an_inactive_offer_is_found_only_by_its_editors(reader, directory, verified_client):
    inactive = directory["offers"]["inactive"]
    url = reverse("referrals:offer", args=[inactive.pk])
    assert reader.get(url).status_code == 404
    assert reader.get(reverse("referrals:offer", args=[999999])).status_code == 404
    editor = member(Role.DIRECTORY_EDITOR, directory["agencies"]["a"])
    reader.logout()
    response = verified_client(editor).get(url)
    assert response.status_code == 200
    assert reverse("referrals:offer_edit", args=[inactive.pk]) in response.content.decode()


def test_the_printed_list_has_no_navigation_and_the_pdf_the_same_offers(reader, directory):
    response = reader.get(reverse("referrals:directory_print"), {"category": "debt"})
    html = response.content.decode()
    assert "Schuldnerberatung Linden" in html and "Frauennotruf" not in html
    assert "shell-nav" not in html and "Mo–Fr 09:00–12:00" in html and "0511 4711" in html
    assert "Türkisch" in html or "Turkish" in html
    pdf = reader.get(reverse("referrals:directory_pdf"), {"category": "debt"})
    content = b"".join(pdf.streaming_content)
    assert pdf["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'inline; filename="hilfeangebote.pdf"'
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout  # noqa: S603, S607
        text = text.decode()
        assert "Schuldnerberatung Linden" in text and "Mo-Fr 09:00-12:00" in text and "0511 4711" in text
        assert "Frauennotruf" not in text


def test_the_printout_stops_at_50_offers_and_says_so(reader, directory):
    provider = directory["providers"]["a"]
    for number in range(55):
        make_offer(provider, f"Angebot {number:02d}", "housing", languages=["de"], locations=[(None, "Mo 9-10")])
    response = reader.get(reverse("referrals:directory_print"), {"category": "housing"})
    assert len(response.context["offers"]) == 50 and response.context["cut"]
    assert "Angebot 49" in response.content.decode() and "Angebot 50" not in response.content.decode()
    few = reader.get(reverse("referrals:directory_print"), {"category": "debt"})
    assert not few.context["cut"]
    pdf = reader.get(reverse("referrals:directory_pdf"), {"category": "housing"})
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
