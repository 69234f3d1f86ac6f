"""Keeping the directory current: a provider's own editors change only their provider's offers
(another provider's offer answers 404, on the page, on POST and on deactivation), the city's
administrators change every offer, bad input comes back at its field with nothing saved, and
two people editing at once do not overwrite each other."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.errors import NotFound
from agencies.roles import Role
from audit.models import AccessLogEntry
from referrals.directory import services
from referrals.models import Offer, OfferLocation, Schedule

from .factories import UserFactory, member
from .test_directory_search import build_directory, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(agency):
    return build_directory()


@pytest.fixture
def editor_a(directory):
    return member(Role.DIRECTORY_EDITOR, directory["agencies"]["a"], username="redaktion-a")


@pytest.fixture
def editor_b(directory):
    return member(Role.DIRECTORY_EDITOR, directory["agencies"]["b"], username="redaktion-b")


def form_data(provider, *, version=None, locations=(), initial_forms=0, **overrides) -> dict:
    """What the edit form posts; `locations`: dicts of the location form's fields."""
    data = {
        "provider": provider.pk,
        "name": "Wohnungsnotfallhilfe Mitte",
        "category": "housing",
        "description": "Hilfe bei drohendem Wohnungsverlust",
        "eligibility": "Alle ab 18",
        "target_groups": ["homeless", "families"],
        "languages": ["de", "ar"],
        "capacity": "available",
        "waiting_days": "3",
        "free_of_charge": "on",
        "contact_name": "Frau Yilmaz",
        "phone": "0511 555",
        "email": "wohnen@example.org",
        "url": "https://example.org/wohnen",
        "orte-TOTAL_FORMS": str(len(locations)),
        "orte-INITIAL_FORMS": str(initial_forms),
        "orte-MIN_NUM_FORMS": "0",
        "orte-MAX_NUM_FORMS": "20",
    }
    if version is not None:
        data["version"] = str(version)
    for index, location in enumerate(locations):
        for name, value in location.items():
            data[f"orte-{index}-{name}"] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


LOCATION = {"name": "Beratungsbüro", "street": "Leinstraße 14", "postal_code": "30159", "city": "Hannover",
            "hours": "Mo–Fr 9–12; Di, Do 14–18 Uhr", "wheelchair_accessible": "on"}  # fmt: skip


def test_an_editor_creates_an_offer_of_their_provider(directory, editor_a, verified_client):
    client = verified_client(editor_a)
    page = client.get(reverse("referrals:offer_create"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["provider"].queryset) == [directory["providers"]["a"]]
    data = form_data(
        directory["providers"]["a"], locations=[{**LOCATION, "district": directory["districts"]["mitte"].pk}],
        districts=[directory["districts"]["mitte"].pk, directory["districts"]["nordend"].pk],
    )  # fmt: skip
    response = client.post(reverse("referrals:offer_create"), data)
    offer = Offer.objects.get(name="Wohnungsnotfallhilfe Mitte")
    assert response.status_code == 302 and response["Location"] == reverse("referrals:offer", args=[offer.pk])
    assert offer.updated_by == editor_a and offer.version == 1 and offer.waiting_days == 3
    assert sorted(offer.language_codes) == ["ar", "de"] and sorted(offer.target_group_codes) == ["families", "homeless"]
    assert {d.name for d in offer.districts.all()} == {"Mitte", "Nordend"}
    location = offer.locations.get()
    assert location.wheelchair_accessible and location.district.name == "Mitte"
    assert location.schedules.count() == 7
    assert location.schedules.filter(weekday="TU").count() == 2
    # Directory pages hold no personal data of clients: nothing is logged as read.
    assert not AccessLogEntry.objects.filter(object_type="offer", action="view").exists()


def test_an_editor_cannot_touch_another_providers_offer(directory, editor_a, verified_client):
    client = verified_client(editor_a)
    other = directory["offers"]["violence"]  # provider B
    before = (other.name, other.version)
    assert client.get(reverse("referrals:offer_edit", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("referrals:offer_edit", args=[other.pk]),
        form_data(directory["providers"]["a"], version=other.version, name="Übernommen"),
    )
    assert response.status_code == 404
    assert client.post(reverse("referrals:offer_deactivate", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert (other.name, other.version) == before and other.is_active
    # An external provider's offers are kept by the administrators only.
    external = directory["offers"]["migration"]
    assert client.get(reverse("referrals:offer_edit", args=[external.pk])).status_code == 404
    # The detail page offers no edit link for them.
    html = client.get(reverse("referrals:offer", args=[other.pk])).content.decode()
    assert reverse("referrals:offer_edit", args=[other.pk]) not in html


def test_the_service_asks_the_access_layer_itself(directory, editor_a):
    own = directory["offers"]["debt"]
    with pytest.raises(NotFound):  # creating for another provider
        services.offer_save(
            actor=editor_a, data={**_service_data(), "provider": directory["providers"]["b"]}, locations=[]
        )
    with pytest.raises(NotFound):  # moving an offer of another provider to one's own
        services.offer_save(
            actor=editor_a, offer=directory["offers"]["violence"], version=1,
            data={**_service_data(), "provider": directory["providers"]["a"]}, locations=[],
        )  # fmt: skip
    with pytest.raises(NotFound):
        services.offer_deactivate(actor=editor_a, offer=directory["offers"]["violence"])
    with pytest.raises(NotFound):  # giving one's own offer away
        services.offer_save(
            actor=editor_a, offer=own, version=own.version,
            data={**_service_data(), "provider": directory["providers"]["b"]}, locations=[],
        )  # fmt: skip
    assert Offer.objects.get(pk=own.pk).provider == directory["providers"]["a"]


def _service_data(**overrides) -> dict:
    return {"name": "Test", "category": "debt", "capacity": "available", "languages": ["de"], **overrides}


def test_the_administrator_edits_every_offer(directory, administrator, verified_client):
    client = verified_client(administrator)
    for key in ("violence", "migration"):
        offer = directory["offers"][key]
        page = client.get(reverse("referrals:offer_edit", args=[offer.pk]))
        assert page.status_code == 200
        data = form_data(offer.provider, version=offer.version, name=f"{offer.name} (neu)", target_groups=["everyone"])
        assert client.post(reverse("referrals:offer_edit", args=[offer.pk]), data).status_code == 302
        offer.refresh_from_db()
        assert offer.name.endswith("(neu)") and offer.updated_by == administrator and offer.version == 2
        assert offer.target_group_codes == ["everyone"]
    detail = client.get(reverse("referrals:offer", args=[directory["offers"]["debt"].pk])).content.decode()
    assert reverse("referrals:offer_edit", args=[directory["offers"]["debt"].pk]) in detail


@pytest.mark.parametrize("who", ["nobody", "social_worker", "clerk"])
def test_who_edits_nothing_gets_404(who, directory, social_worker, clerk, verified_client):
    user = {"social_worker": social_worker, "clerk": clerk}.get(who) or UserFactory(username="niemand")
    client = verified_client(user)
    offer = directory["offers"]["debt"]
    assert client.get(reverse("referrals:offer_create")).status_code == 404
    assert client.post(reverse("referrals:offer_create"), form_data(offer.provider)).status_code == 404
    assert client.get(reverse("referrals:offer_edit", args=[offer.pk])).status_code == 404
    assert client.post(reverse("referrals:offer_deactivate", args=[offer.pk])).status_code == 404
    assert Offer.objects.filter(is_active=True).count() == 3


def test_bad_input_comes_back_at_its_field_and_nothing_is_saved(directory, editor_a, verified_client):
    client = verified_client(editor_a)
    offer = directory["offers"]["debt"]
    location = offer.locations.get()
    url = reverse("referrals:offer_edit", args=[offer.pk])
    bad = [
        {"id": location.pk, **LOCATION, "postal_code": "301", "hours": "Mo–Fr 9–12; Xy 10–11"},
        {"name": "Zweigstelle", "street": "", "postal_code": "", "city": "", "hours": ""},
    ]
    data = form_data(
        offer.provider, version=offer.version, locations=bad, initial_forms=1, name="", waiting_days="viele",
        email="keine-adresse", category="",
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    form, forms = response.context["form"], response.context["locations"].forms
    assert set(form.errors) >= {"name", "waiting_days", "email", "category"}
    assert set(forms[0].errors) == {"postal_code", "hours"}
    assert "„Xy“" in forms[0].errors["hours"][0] or "“Xy”" in forms[0].errors["hours"][0]
    assert set(forms[1].errors) == {"street", "postal_code", "city"}
    html = response.content.decode()
    assert 'value="301"' in html and "Mo–Fr 9–12; Xy 10–11" in html and 'value="keine-adresse"' in html
    assert 'aria-invalid="true"' in html
    offer.refresh_from_db()
    assert offer.name == "Schuldnerberatung Linden" and offer.version == 1
    assert list(offer.locations.all()) == [location] and location.schedules.count() == 5


def test_a_service_error_saves_nothing_half(directory, editor_a):
    count = Offer.objects.count()
    bad_location = {"street": "Weg 1", "postal_code": "3015", "city": "Hannover", "openings": []}
    overlap = {"street": "Weg 2", "postal_code": "30159", "city": "Hannover",
               "openings": [("MO", time(9), time(12)), ("MO", time(11), time(13))]}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.offer_save(
            actor=editor_a, data=_service_data(provider=directory["providers"]["a"], languages=["de", "xx"]),
            locations=[bad_location, overlap],
        )  # fmt: skip
    assert set(error.value.message_dict) == {"languages", "locations"}
    assert len(error.value.message_dict["locations"]) == 2
    assert Offer.objects.count() == count


def test_locations_are_kept_changed_removed_and_added(directory, editor_a, verified_client):
    client = verified_client(editor_a)
    offer = make_offer(directory["providers"]["a"], "Zwei Standorte", locations=[(None, "Mo 9-12"), (None, "Mi 9-12")])
    first, second = offer.locations.order_by("pk")
    page = client.get(reverse("referrals:offer_edit", args=[offer.pk]))
    assert "Mo 09:00–12:00" in page.content.decode()  # the saved hours as text
    locations = [
        {"id": first.pk, **LOCATION, "hours": "Sa 10-14"},
        {"id": second.pk, "street": second.street, "postal_code": "30451", "city": "Hannover", "DELETE": "on"},
        {"street": "Neue Straße 1", "postal_code": "30161", "city": "Hannover", "hours": ""},
    ]
    response = client.post(
        reverse("referrals:offer_edit", args=[offer.pk]),
        form_data(offer.provider, version=offer.version, locations=locations, initial_forms=2),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    kept = list(offer.locations.order_by("pk"))
    assert [location.street for location in kept] == ["Leinstraße 14", "Neue Straße 1"]
    assert kept[0].uid == first.uid  # the exchange's identity survives an edit
    assert [(s.weekday, s.opens_at, s.closes_at) for s in kept[0].schedules.all()] == [("SA", time(10), time(14))]
    assert not OfferLocation.objects.filter(pk=second.pk).exists()
    assert not Schedule.objects.filter(location_id=second.pk).exists()


def test_a_concurrent_edit_is_not_overwritten(directory, editor_a, administrator, verified_client):
    offer = directory["offers"]["debt"]
    client = verified_client(editor_a)
    page = client.get(reverse("referrals:offer_edit", args=[offer.pk]))
    loaded = page.context["form"].initial["version"]
    services.offer_save(  # the administrator saves in between
        actor=administrator, offer=offer, version=offer.version,
        data=_service_data(provider=offer.provider, name="Vom Amt geändert"), locations=[],
    )  # fmt: skip
    data = form_data(offer.provider, version=loaded, name="Meine Fassung")
    response = client.post(reverse("referrals:offer_edit", args=[offer.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and ("Jemand anderes" in errors[0] or "Someone else" in errors[0])
    assert 'value="Meine Fassung"' in response.content.decode()  # the input is kept
    assert Offer.objects.get(pk=offer.pk).name == "Vom Amt geändert"
    # Saving again (the form now carries the current version) is a deliberate overwrite.
    data["version"] = response.context["form"].data["version"]
    assert client.post(reverse("referrals:offer_edit", args=[offer.pk]), data).status_code == 302
    assert Offer.objects.get(pk=offer.pk).name == "Meine Fassung"


def test_an_editor_deactivates_their_offer_and_it_leaves_the_directory(directory, editor_a, verified_client):
    client = verified_client(editor_a)
    offer = directory["offers"]["debt"]
    assert client.get(reverse("referrals:offer_deactivate", args=[offer.pk])).status_code == 405
    response = client.post(reverse("referrals:offer_deactivate", args=[offer.pk]), {"version": offer.version})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert not offer.is_active and offer.updated_by == editor_a and offer.version == 2
    listed = [o.name for o in client.get("/hilfeangebote/").context["page"].object_list]
    assert "Schuldnerberatung Linden" not in listed
    assert client.get(reverse("referrals:offer", args=[offer.pk])).status_code == 200  # its editors still find it
    again = client.post(reverse("referrals:offer_deactivate", args=[offer.pk]), {"version": offer.version}, follow=True)
    assert Offer.objects.get(pk=offer.pk).version == 2 and again.status_code == 200


def test_a_stale_deactivation_is_refused(directory, editor_a, verified_client):
    client = verified_client(editor_a)
    offer = directory["offers"]["debt"]
    client.post(reverse("referrals:offer_deactivate", args=[offer.pk]), {"version": offer.version + 5})
    assert Offer.objects.get(pk=offer.pk).is_active
    # A version that is no plain number is no version: nothing breaks, the button still works.
    response = client.post(reverse("referrals:offer_deactivate", args=[offer.pk]), {"version": "²"})
    assert response.status_code == 302 and not Offer.objects.get(pk=offer.pk).is_active
