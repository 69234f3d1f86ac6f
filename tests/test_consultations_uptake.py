"""The uptake report: counts by district, location, topic and month; counts below five hidden,
and no hidden count recomputable from what is shown (checked against an attacker who solves the
published sums); the same figures in the table, the chart and the CSV; a fixed number of
queries; only for the agency's team leads and administrators."""

import random
from datetime import date, datetime, timedelta

import pytest
import time_machine

from consultations import schedule
from consultations.models import ConsultationContact
from consultations.uptake import TOTAL, build_report
from reports.suppression import MINIMUM, PROTECTED, SHOWN, SMALL, Relation, suppress

from .conftest import login
from .consultations_world import BERLIN, build_consultation_world

pytestmark = pytest.mark.django_db
URL = "/sprechstunden/auswertung/"
PERIOD = "?von=2026-10&bis=2026-12"


@pytest.fixture(autouse=True)
def _december(db):
    with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=BERLIN), tick=False):
        yield


@pytest.fixture
def world(db):
    return build_consultation_world()


def _contacts(world, rng: random.Random, count: int) -> None:
    districts = [*world.districts.values(), None]
    dates = {
        key: [o.date for o in schedule.occurrences(hour, date(2026, 10, 1), date(2026, 12, 19)) if o.takes_place]
        for key, hour in world.hours.items()
    }
    rows = []
    for _number in range(count):
        key = rng.choice(list(world.hours))
        hour = world.hours[key]
        rows.append(
            ConsultationContact(
                hour=hour,
                agency=hour.agency,
                location=hour.location,
                date=rng.choice(dates[key]),
                topic=rng.choice(["but_education", "sgb2_benefits", "debts", "housing"]),
                district=rng.choice(districts),
                first_contact=rng.random() < 0.6,
                outcome=rng.choice(["information", "application_started", "referred", "appointment_made"]),
            )
        )
    ConsultationContact.objects.bulk_create(rows)


# -- suppression ---------------------------------------------------------------------------


def test_a_single_small_count_takes_a_second_cell_with_it():
    values = {"t": 20, "a": 3, "b": 9, "c": 8}
    states = suppress(values, [Relation("t", ("a", "b", "c"))])
    assert states == {"t": SHOWN, "a": SMALL, "b": SHOWN, "c": PROTECTED}


def test_two_small_parts_hide_their_total():
    # first 4 + repeat 4 = 8 contacts: shown, the 8 would give both 4s away.
    states = suppress({"t": 8, "f": 4, "r": 4}, [Relation("t", ("f", "r"))])
    assert states == {"t": PROTECTED, "f": SMALL, "r": SMALL}


def test_zero_is_a_small_count_too():
    # The 12 first contacts would show that there was no repeat; hidden, they lie between 8 and 12.
    assert suppress({"t": 12, "f": 12, "r": 0}, [Relation("t", ("f", "r"))]) == {
        "t": SHOWN,
        "f": PROTECTED,
        "r": SMALL,
    }


def _bounds(values, states, relations):
    """What an attacker learns: every shown figure, hidden small ones in [0, 4], hidden
    protecting ones at least 5; narrowed through every published sum until nothing changes."""
    big = sum(values[key] for key in values if key[0] == TOTAL) + 1000
    low = {k: (v if states[k] == SHOWN else (MINIMUM if states[k] == PROTECTED else 0)) for k, v in values.items()}
    high = {k: (v if states[k] == SHOWN else (MINIMUM - 1 if states[k] == SMALL else big)) for k, v in values.items()}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            parts = relation.parts
            new = {
                relation.total: (
                    max(low[relation.total], sum(low[p] for p in parts)),
                    min(high[relation.total], sum(high[p] for p in parts)),
                )
            }
            for part in parts:
                others_low = sum(low[p] for p in parts if p != part)
                others_high = sum(high[p] for p in parts if p != part)
                new[part] = (
                    max(low[part], low[relation.total] - others_high),
                    min(high[part], high[relation.total] - others_low),
                )
            for key, (lo, hi) in new.items():
                if (lo, hi) != (low[key], high[key]):
                    low[key], high[key], changed = lo, hi, True
    return low, high


def _published(report):
    """The report's cells and sums as the page and the CSV publish them."""
    columns = ["contacts", "first", "repeat", "applications", "referrals"]
    values, states, relations = {}, {}, []
    for column, cell in zip(columns, report.total.cells, strict=True):
        values[(TOTAL, column)], states[(TOTAL, column)] = cell.value, cell.state
    relations.append(Relation((TOTAL, "contacts"), ((TOTAL, "first"), (TOTAL, "repeat"))))
    for table in report.tables:
        for row in table.rows:
            for column, cell in zip(columns, row.cells, strict=True):
                values[(table.key, row.key, column)], states[(table.key, row.key, column)] = cell.value, cell.state
            relations.append(
                Relation(
                    (table.key, row.key, "contacts"), ((table.key, row.key, "first"), (table.key, row.key, "repeat"))
                )
            )
        for column in columns:
            relations.append(Relation((TOTAL, column), tuple((table.key, row.key, column) for row in table.rows)))
    return values, states, relations


@pytest.mark.parametrize("seed", range(int(__import__("os").environ.get("H6_SEEDS", "12"))))
def test_no_small_count_can_be_worked_out_from_the_report(world, seed):
    rng = random.Random(seed)
    _contacts(world, rng, rng.choice([3, 9, 17, 30, 60]))
    report = build_report(agency=world.agencies["mainarbeit"], first=date(2026, 10, 1), last=date(2026, 12, 1))
    values, states, relations = _published(report)
    low, high = _bounds(values, states, relations)
    for key, value in values.items():
        assert low[key] <= value <= high[key]
        if states[key] == SMALL and value > 0:
            assert low[key] < high[key], f"{key} = {value} can be worked out"
        if states[key] == SHOWN:
            assert value >= MINIMUM


# -- the page, the chart and the CSV -------------------------------------------------------


def test_the_report_shows_tables_chart_and_marks(client, world, django_assert_max_num_queries):
    _contacts(world, random.Random(7), 40)
    login(client, world.users["lead"])
    with django_assert_max_num_queries(16):
        response = client.get(URL + PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Kontakte nach Wohnort (Stadtteil)", "Kontakte nach Standort", "Kontakte nach Thema", "Oktober 2026"):
        assert text in page, text
    assert "&lt; 5" in page and '<svg class="shell-chart"' in page and '<title id="uptake-months-t">' in page
    report = response.context["report"]
    assert report.total.cells[0].value == 40
    shown = [cell.text for table in report.tables for row in table.rows for cell in row.cells if cell.shown]
    assert all(int(text) >= MINIMUM for text in shown)
    # More contacts, the same queries.
    _contacts(world, random.Random(8), 200)
    with django_assert_max_num_queries(16):
        assert client.get(URL + PERIOD).status_code == 200


def test_the_csv_matches_the_page(client, world):
    _contacts(world, random.Random(3), 25)
    login(client, world.users["lead"])
    response = client.get("/sprechstunden/auswertung.csv" + PERIOD)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="sprechstunden-2026-10-2026-12.csv"'
    content = response.content
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Gliederung;Ausprägung;Kontakte;Erstkontakte;Folgekontakte;Anträge gestellt;Vermittlungen an Hilfeangebote"
    )
    report = client.get(URL + PERIOD).context["report"]
    month_rows = [line.split(";") for line in lines if line.startswith("Monat;")]
    assert [row[2:] for row in month_rows] == [[cell.text for cell in row.cells] for row in report.table("month").rows]
    assert any("< 5" in line for line in lines)


def test_the_chart_draws_hidden_counts_without_their_height(world):
    from reports.charts import bars_svg

    _contacts(world, random.Random(1), 12)
    report = build_report(agency=world.agencies["mainarbeit"], first=date(2026, 10, 1), last=date(2026, 12, 1))
    svg = str(bars_svg(table=report.table("month"), column=0, title="Kontakte", chart_id="c"))
    for row in report.table("month").rows:
        assert f">{row.cells[0].text.replace('<', '&lt;')}<" in svg
    hidden = [row for row in report.table("month").rows if not row.cells[0].shown]
    assert svg.count('stroke-dasharray="4 3"') == len(hidden)


@pytest.mark.parametrize(("actor", "status"), [("staff", 404), ("auditor", 404), ("admin", 200), ("city_lead", 200)])
def test_only_team_leads_and_administrators_read_it(client, world, actor, status, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True
    _contacts(world, random.Random(2), 20)
    client.force_login(world.users[actor], backend="agencies.backends.RoleBackend")
    # Another agency's figures are never shown, whatever is asked for.
    response = client.get(f"{URL}?traeger={world.agencies['mainarbeit'].pk}")
    assert response.status_code == status
    assert client.get("/sprechstunden/auswertung.csv").status_code == status
    if actor == "city_lead":
        assert response.context["report"].agency == world.agencies["city"]
        assert "Stadtteilbüro Nordend" not in response.content.decode()


def test_periods_are_bounded_and_bad_months_named(client, world):
    login(client, world.users["lead"])
    response = client.get(URL + "?von=2020-01&bis=2026-12")
    assert len(response.context["report"].table("month").rows) == 24
    response = client.get(URL + "?von=2026-13&bis=x")
    assert response.status_code == 200
    assert response.context["form"].errors["von"] == ["Bitte geben Sie einen Monat wie 2026-03 ein."]
    default = response.context["report"]
    assert (default.first, default.last) == (date(2026, 9, 1), date(2026, 12, 1))
    assert default.last - default.first < timedelta(days=125)
