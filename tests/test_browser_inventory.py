"""The committee's inventory and the directory exchange in the browser, as the city's
administrator opens them: the motion's question answered at the top, the table with its gaps
marked in text (not by colour alone), and axe-core clean. Screenshots under var/screenshots/."""

from datetime import time

import pytest
from playwright.sync_api import expect

from .test_browser import assert_accessible, enrol_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _a_few_offers() -> None:
    """A handful of offers in Hannover, whether or not the demo data brings a directory."""
    from agencies.models import District
    from referrals.models import Offer, OfferLocation, OfferTargetGroup, Provider, Schedule

    provider = Provider.objects.create(name="Frauenberatung Lindenblüte e. V. (Browsertest)")
    districts = {d.name: d for d in District.objects.filter(municipality="Hannover")}
    for category, groups, names in [
        ("violence", ["women"], ["Mitte", "Linden-Nord"]),
        ("debt", ["everyone"], ["Sahlkamp"]),
        ("housing", ["women", "homeless"], ["Mitte"]),
    ]:
        offer = Offer.objects.create(provider=provider, name=f"Testangebot {category}", category=category)
        offer.districts.set([districts[name] for name in names])
        OfferTargetGroup.objects.bulk_create(OfferTargetGroup(offer=offer, code=code) for code in groups)
        place = OfferLocation.objects.create(
            offer=offer, street="Limmerstraße 41", postal_code="30451", city="Hannover", district=districts[names[0]]
        )
        Schedule.objects.create(location=place, weekday="TU", opens_at=time(9), closes_at=time(13))


@pytest.fixture
def demo_world(transactional_db):
    from fixtures.loader import load_demo_data

    load_demo_data()
    _a_few_offers()


def test_the_administrator_reads_the_inventory_and_opens_the_exchange(page, demo_world):
    log_in(page, "admin")
    enrol_second_factor(page)
    page.goto("/hilfeangebote/bestand/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestand an Hilfeangeboten")
    page.locator("#id_target_group").select_option("women")
    page.get_by_role("button", name="Anzeigen").click()
    summary = page.locator("#inventory-summary")
    expect(summary).to_contain_text("In Hannover gibt es")
    expect(page.get_by_role("heading", name="Welche Hilfeangebote für die Zielgruppe gibt es bereits in der Stadt?"))
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Linden-Nord")).to_be_visible()
    expect(table.get_by_text("Lücke").first).to_be_attached()
    assert_accessible(page, "inventory")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV für Tabellenkalkulation").click()
    assert open(download.value.path(), "rb").read().startswith("\ufeffKategorie;".encode())

    page.goto("/hilfeangebote/austausch/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilfeangebote austauschen")
    assert_accessible(page, "directory-exchange")
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_text("Bitte wählen Sie eine Datei zum Übernehmen aus.")).to_be_visible()
    assert_accessible(page, "directory-exchange-error")
