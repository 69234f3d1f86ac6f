"""The committee's inventory: active offers by category and district (served or located
there), the target-group filter (offers for everyone count too), totals and gaps, on a small
hand-built directory; the page, PDF and CSV only for team leads and administrators; the page's
queries do not grow with the directory."""

from __future__ import annotations

import re
import zlib
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import District
from agencies.roles import Role
from referrals.exchange.inventory import inventory, summary
from referrals.models import Offer, OfferLocation, OfferTargetGroup, Provider, Schedule
from referrals.vocabulary import Category

from .conftest import login
from .factories import member

pytestmark = pytest.mark.django_db

PAGE = "/hilfeangebote/bestand/"


def _offer(provider, category, groups=(), districts=(), located=None, **fields):
    offer = Offer.objects.create(provider=provider, name=f"{category} {groups}", category=category, **fields)
    offer.districts.set(districts)
    for code in groups:
        OfferTargetGroup.objects.create(offer=offer, code=code)
    if located is not None:
        place = OfferLocation.objects.create(
            offer=offer, street="Teststraße 1", postal_code="30159", city="Hannover", district=located
        )
        Schedule.objects.create(location=place, weekday="MO", opens_at=time(9), closes_at=time(12))
    return offer


@pytest.fixture
def city(db):
    names = ["Mitte", "Linden-Nord", "Sahlkamp"]
    d = {name: District.objects.create(municipality="Hannover", name=name) for name in names}
    d["Nordend"] = District.objects.create(municipality="Offenbach am Main", name="Nordend")
    provider = Provider.objects.create(name="Träger")
    closed = Provider.objects.create(name="Geschlossener Träger", is_active=False)
    _offer(provider, "violence", ["women"], [d["Mitte"], d["Linden-Nord"]], located=d["Linden-Nord"])
    _offer(provider, "violence", ["everyone"], located=d["Sahlkamp"])
    _offer(provider, "debt", ["men"], [d["Mitte"]])
    _offer(provider, "housing", ["women"], [d["Mitte"]], is_active=False)
    _offer(closed, "housing", ["women"], [d["Sahlkamp"]])
    _offer(provider, "addiction", ["women"])  # names no district
    _offer(provider, "migration", ["women"], [d["Nordend"]])
    return d


def _row(report, category):
    return next(row for row in report.rows if row.category == category)


def test_counts_totals_and_gaps_for_everyone(team_lead, city):
    report = inventory(user=team_lead, municipality="Hannover")
    assert [d.name for d in report.districts] == ["Linden-Nord", "Mitte", "Sahlkamp"]
    assert [row.category for row in report.rows] == list(Category.values)
    assert _row(report, "violence").cells == [1, 1, 1] and _row(report, "violence").total == 2
    assert _row(report, "debt").cells == [0, 1, 0] and _row(report, "debt").total == 1
    assert _row(report, "housing").cells == [0, 0, 0]  # inactive offer, inactive provider
    assert report.district_totals == [1, 2, 1] and report.total == 3
    assert report.gap_count == 12 * 3 - 4 and report.cell_count == 36
    gaps = dict(report.gaps)
    assert str(Category.DEBT.label) in gaps["Linden-Nord"] and str(Category.VIOLENCE.label) not in gaps["Mitte"]
    assert report.unplaced == 1
    assert "3" in summary(report) and "32" in summary(report)


def test_the_target_group_filter_counts_offers_for_everyone_too(team_lead, city):
    report = inventory(user=team_lead, municipality="Hannover", target_group="women")
    assert _row(report, "violence").cells == [1, 1, 1]
    assert _row(report, "debt").cells == [0, 0, 0]
    assert report.total == 2 and report.gap_count == 33 and report.unplaced == 1
    men = inventory(user=team_lead, municipality="Hannover", target_group="men")
    assert _row(men, "debt").total == 1 and _row(men, "violence").cells == [0, 0, 1]


def test_another_municipality(team_lead, city):
    report = inventory(user=team_lead, municipality="Offenbach am Main", target_group="women")
    assert [d.name for d in report.districts] == ["Nordend"]
    assert _row(report, "migration").cells == [1] and report.total == 1


def test_the_page_answers_the_motion(client, team_lead, city):
    login(client, team_lead)
    page = client.get(PAGE, {"municipality": "Hannover", "target_group": "women"}).content.decode()
    assert "Welche Hilfeangebote für die Zielgruppe gibt es bereits in der Stadt?" in page
    assert "In Hannover gibt es 2 aktive Hilfeangebote für die Zielgruppe" in page
    assert page.count('<span class="kern-sr-only">Lücke</span>') == 33
    assert 'aria-hidden="true">–</span>' in page


def test_an_unknown_municipality_is_an_error_at_the_field(client, team_lead, city):
    login(client, team_lead)
    response = client.get(PAGE, {"municipality": "Atlantis"})
    assert response.status_code == 200 and "kern-error" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [(Role.TEAM_LEAD, 200), (Role.SOCIAL_WORKER, 404), (Role.CLERK, 404)])
@pytest.mark.parametrize("path", [PAGE, "/hilfeangebote/bestand.pdf", "/hilfeangebote/bestand.csv"])
def test_who_sees_the_inventory(client, agency, city, role, status, path):
    login(client, member(role, agency))
    assert client.get(path).status_code == status


@pytest.mark.parametrize(("who", "status"), [("administrator", 200), ("auditor", 404)])
@pytest.mark.parametrize("path", [PAGE, "/hilfeangebote/bestand.pdf", "/hilfeangebote/bestand.csv"])
def test_administrators_see_it_and_auditors_do_not(request, verified_client, city, who, status, path):
    user = request.getfixturevalue(who)  # both need the second factor
    assert verified_client(user).get(path).status_code == status


def _page_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE, {"municipality": "Hannover", "target_group": "women"}).status_code == 200
    return [q["sql"][:300] for q in queries]


def test_the_page_queries_do_not_grow_with_the_directory(client, team_lead, city, django_assert_max_num_queries):
    login(client, team_lead)
    provider = Provider.objects.first()
    _page_queries(client)  # the session's first request does some one-time work
    small = _page_queries(client)
    for index in range(30):
        district = list(city.values())[index % 4]
        _offer(provider, Category.values[index % 12], ["women"], [district], located=district)
    big = _page_queries(client)
    assert len(big) == len(small), "\n".join(big)
    with django_assert_max_num_queries(30):
        client.get(PAGE)


def _pdf_text(content: bytes) -> bytes:
    text = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            text += stream
    return text


def test_the_pdf_is_a_landscape_table(client, team_lead, city):
    login(client, team_lead)
    response = client.get("/hilfeangebote/bestand.pdf", {"municipality": "Hannover", "target_group": "women"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="bestand-hilfeangebote-hannover-women-')
    content = response.getvalue()
    assert content.startswith(b"%PDF")
    assert b"/MediaBox [0 0 841.89 595.28]" in content  # the page is A4 landscape
    text = _pdf_text(content)
    for expected in (
        "Hilfeangebote in Hannover",
        "Linden-Nord",
        "Sahlkamp",
        "Angebote insgesamt",
        "Lücken nach Stadtteil",
    ):
        assert expected.encode("latin-1") in text, expected


def test_the_csv_is_for_excel(client, team_lead, city):
    login(client, team_lead)
    response = client.get("/hilfeangebote/bestand.csv", {"municipality": "Hannover"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue().decode("utf-8")
    assert content.startswith("\ufeff")
    lines = content.lstrip("\ufeff").splitlines()
    assert lines[0] == "Kategorie;Linden-Nord;Mitte;Sahlkamp;Angebote insgesamt"
    assert lines[-1] == "Alle Kategorien;1;2;1;3"
    assert len(lines) == 1 + 12 + 1
