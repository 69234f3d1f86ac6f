"""Committee reports: the figures of a small, hand-counted world (reports.figures), published
with small numbers hidden. The world: the desk (agency A) opens 22 cases in the third quarter
of 2026 (12 in July, 7 in August, 3 in September), one in June and one in October; a partner
agency (B) opens 4 in July. Every expected number below was counted by hand from build()."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from agencies.models import Agency, District
from agencies.roles import Role
from cases import services
from cases.models import Case, Statute
from casework.models import Intake, LifeAreaStatus
from payments.models import Export, Payment
from referrals.models import Offer, Provider
from referrals.models.referral import Referral
from reports import figures, stats
from reports.figures import help as help_figures
from reports.periods import quarter
from reports.suppression import PROTECTED, SHOWN, SMALL

from .factories import AgencyFactory, member
from .payments_world import IBAN_OK, fund_for

pytestmark = pytest.mark.django_db

Q3 = quarter(2026, 3)
SECRET_NAMES = ("Wieczorek", "Szymańska", "Brandauer")


@dataclass
class ReportWorld:
    desk: Agency
    partner: Agency
    users: dict = field(default_factory=dict)
    cases: list = field(default_factory=list)
    districts: dict = field(default_factory=dict)
    statute: object = None


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _case(world, actor, agency, *, opened: date, district=None, band="", gender="", number=0) -> Case:
    person = services.person_register(
        actor=actor,
        agency=agency,
        given_name="Jolanta",
        family_name=SECRET_NAMES[number % 3],
        birth_date=date(1961, 4, 17),
        gender=gender,
    )
    case = services.case_open(actor=actor, agency=agency, person=person, title="Wohnungsnot", district=district)
    # The opening day and the age band at opening, as if the case had been opened then.
    Case.objects.filter(pk=case.pk).update(created_at=_at(opened), age_band=band)
    case.refresh_from_db()
    world.cases.append(case)
    return case


# (day of July, district, age band, gender) of the desk's July cases 0..11.
def _july(i: int) -> tuple:
    district = "Nord" if i < 8 else "Süd"
    band = "27-44" if i < 7 else ("45-64" if i < 11 else "")
    gender = "female" if i < 6 else ("male" if i < 11 else "")
    return date(2026, 7, i + 1), district, band, gender


def _cases(world: ReportWorld) -> None:
    sw, nord, sued = world.users["social_worker"], world.districts["Nord"], world.districts["Süd"]
    for i in range(12):
        day, district, band, gender = _july(i)
        _case(
            world,
            sw,
            world.desk,
            opened=day,
            district=nord if district == "Nord" else sued,
            band=band,
            gender=gender,
            number=i,
        )
    for j in range(7):
        gender = "female" if j < 5 else "diverse"
        _case(
            world,
            sw,
            world.desk,
            opened=date(2026, 8, j + 1),
            district=sued if j < 6 else None,
            band="18-26",
            gender=gender,
        )
    for k in range(3):
        _case(world, sw, world.desk, opened=date(2026, 9, k + 10), band="65+", gender="none")
    _case(world, sw, world.desk, opened=date(2026, 6, 30), band="27-44", gender="female")  # before
    _case(world, sw, world.desk, opened=date(2026, 10, 1), band="27-44", gender="female")  # after
    partner_sw = world.users["partner_worker"]
    for m in range(4):
        _case(
            world, partner_sw, world.partner, opened=date(2026, 7, 20 + m), district=nord, band="27-44", gender="male"
        )
    july = world.cases[:12]
    for i, case in enumerate(july[:8]):
        closed = date(2026, 8, 20) if i < 6 else date(2026, 9, 20)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=_at(closed))


def _casework(world: ReportWorld) -> None:
    sw = world.users["social_worker"]
    july = world.cases[:12]
    for k, case in enumerate(july[:10], start=1):
        Intake.objects.create(
            case=case,
            contact_channel="walk_in",
            started_by=sw,
            status=Intake.Status.COMPLETED,
            # Completed k days after the case was opened: waits of 1..10 days.
            completed_at=case.created_at + timedelta(days=k),
        )
    for i, case in enumerate(july[:10]):
        need = "support" if i < 6 else ("urgent" if i < 8 else "none")
        LifeAreaStatus.objects.create(case=case, area="housing", category="general", need=need)
        LifeAreaStatus.objects.create(case=case, area="health", category="health", need="none")
        if i < 3:
            LifeAreaStatus.objects.create(case=case, area="debts", category="finance", need="support")


def _referrals(world: ReportWorld) -> None:
    world.statute = Statute.objects.create(code="§ 69 Abs. 1 Nr. 1 SGB X", title="Soziale Aufgaben")
    provider = Provider.objects.create(name="Beratungsstelle Wohnen")
    housing = Offer.objects.create(provider=provider, name="Wohnungsnotfallhilfe", category="housing")
    debt = Offer.objects.create(provider=provider, name="Schuldnerberatung", category="debt")
    housing.districts.add(world.districts["Nord"])
    sw = world.users["social_worker"]
    outcomes = ["successful"] * 5 + ["no_capacity"]
    for i, outcome in enumerate(outcomes):
        status = "completed" if outcome == "successful" else "declined"
        _referral(world, sw, world.cases[i], housing, status=status, outcome=outcome)
    _referral(world, sw, world.cases[6], debt, status="sent", outcome="")
    _referral(world, sw, world.cases[7], debt, status="sent", outcome="", sent=date(2026, 10, 2))  # after


def _referral(world, actor, case, offer, *, status, outcome, sent=date(2026, 8, 3)) -> None:
    Referral.objects.create(
        case=case,
        offer=offer,
        referring_agency=world.desk,
        created_by=actor,
        purpose="Wohnraum sichern",
        scope="basic",
        status=status,
        outcome=outcome,
        sent_at=_at(sent),
        respond_by=sent + timedelta(days=10),
        statute=world.statute,
    )


PAID = [("grant", "arrears", "100.00"), ("grant", "arrears", "200.00"), ("grant", "arrears", "250.50")]
PAID += [("grant", "arrears", "300.00"), ("grant", "arrears", "49.99"), ("grant", "shelter", "1000.00")]
PAID += [("loan", "food", "80.00"), ("loan", "food", "120.00")]


def _payments(world: ReportWorld) -> None:
    fund = fund_for(world.desk, allocated="9000.00", year=2026)
    sw = world.users["social_worker"]
    rows = [(kind, purpose, amount, "paid", date(2026, 8, 10)) for kind, purpose, amount in PAID]
    rows += [("grant", "food", "999.00", "requested", None), ("grant", "food", "77.00", "paid", date(2026, 10, 2))]
    export = Export.objects.create(fund=fund, format="sepa", created_by=world.users["clerk"], content=b"", filename="x")
    for kind, purpose, amount, status, paid_on in rows:
        Payment.objects.create(
            case=world.cases[0],
            fund=fund,
            budget_year=2026,
            kind=kind,
            purpose=purpose,
            amount=Decimal(amount),
            justification="Mietrückstand",
            status=status,
            payee_name="Stadtwerke",
            method="transfer",
            iban=IBAN_OK,
            requested_by=sw,
            paid_on=paid_on,
            export=export if paid_on else None,
        )


def build() -> ReportWorld:
    desk = AgencyFactory(name="Hilfen in Notlagen Teststadt", short_name="OE 50.25", municipality="Teststadt")
    partner = AgencyFactory(name="Jobcenter Teststadt", kind=Agency.Kind.JOBCENTER, municipality="Teststadt")
    world = ReportWorld(desk=desk, partner=partner)
    for name in ("Nord", "Süd"):
        world.districts[name] = District.objects.create(municipality="Teststadt", name=name)
    world.users["social_worker"] = member(Role.SOCIAL_WORKER, desk, username="r-sw")
    world.users["team_lead"] = member(Role.TEAM_LEAD, desk, username="r-lead")
    world.users["reporting"] = member(Role.REPORTING, desk, username="r-reporting")
    world.users["clerk"] = member(Role.CLERK, desk, username="r-clerk")
    world.users["administrator"] = member(Role.ADMINISTRATOR, desk, username="r-admin", is_staff=True)
    world.users["auditor"] = member(Role.AUDITOR, username="r-auditor")
    world.users["partner_worker"] = member(Role.PARTNER_STAFF, partner, username="r-partner")
    world.users["partner_lead"] = member(Role.TEAM_LEAD, partner, username="r-partner-lead")
    _cases(world)
    _casework(world)
    _referrals(world)
    _payments(world)
    return world


@pytest.fixture
def world(db):
    return build()


def _compute(world, scope):
    result = figures.compute(actor=world.users["team_lead"], scope=scope, period=Q3, minimum=5)
    return {section["key"]: section for section in result["sections"]}


def _table(section) -> dict:
    """{row key: [(value, state), ...]} with the total row under "*"."""
    rows = {row["key"]: [tuple(cell) for cell in row["cells"]] for row in section["rows"]}
    if section["total"]:
        rows["*"] = [tuple(cell) for cell in section["total"]["cells"]]
    return rows


def test_cases_opened_and_closed_by_month(world):
    table = _table(_compute(world, world.desk)["cases"])
    # opened: 12 / 7 / 3 = 22; closed: 0 / 6 / 2 = 8. September's 3 is small, so August's 7 is
    # hidden too (else 22 - 12 - 7 gives it away); both small closed counts are hidden while
    # their total 8 is shown, so August's 6 goes as well.
    assert table["2026-07-01"] == [(12, SHOWN), (None, SMALL)]
    assert table["2026-08-01"] == [(None, PROTECTED), (None, PROTECTED)]
    assert table["2026-09-01"] == [(None, SMALL), (None, SMALL)]
    assert table["*"] == [(22, SHOWN), (8, SHOWN)]


def test_districts_age_bands_and_gender(world):
    sections = _compute(world, world.desk)
    districts = {row["name"] or row["key"]: row["cells"][0] for row in sections["districts"]["rows"]}
    # Nord 8, Süd 10, not recorded 4 (one in August, three in September): the 4 is small, and
    # Nord's 8 (the smallest shown part) goes with it, else 22 - 8 - 10 would give 4 away.
    assert districts == {"Nord": [None, PROTECTED], "Süd": [10, SHOWN], "-": [None, SMALL]}
    assert sections["districts"]["total"]["cells"] == [[22, SHOWN]]
    age = sections["age_gender"]
    assert [key for key, _kind in age["columns"]] == ["all", "female", "male", "diverse", "none", "-"]
    total = age["total"]["cells"]
    # All 22: female 11, male 5 (1 + 4, both small, so their total 5 is hidden too), diverse 2,
    # stated none 3, not recorded 1.
    assert total == [[22, SHOWN], [11, SHOWN], [None, PROTECTED], [None, SMALL], [None, SMALL], [None, SMALL]]
    rows = {row["key"]: row["cells"] for row in age["rows"]}
    assert set(rows) == {"18-26", "27-44", "45-64", "65+", "-"}
    # 27-44: 7 = female 6 + male 1; the 1 is small, so the 6 is hidden. Column "all": 7, 7, 4,
    # 3, 1 = 22 with three small parts, so the first 7 (18-26) is hidden as well.
    assert rows["27-44"][:2] == [[7, SHOWN], [None, PROTECTED]]
    assert rows["18-26"][:2] == [[None, PROTECTED], [None, PROTECTED]]


def test_first_conversation_quartiles_in_days(world):
    row = _compute(world, world.desk)["first_conversation"]["rows"][0]
    # Waits of 1, 2, ..., 10 days: interpolated quartiles 3.25, 5.5 and 7.75.
    # (Shown to one decimal: 3.25 and 7.75 are rounded half to even, as Python rounds.)
    assert row["cells"] == [[10, SHOWN], [3.2, SHOWN], [5.5, SHOWN], [7.8, SHOWN]]


def test_life_areas_with_a_need(world):
    rows = {row["key"]: row["cells"] for row in _compute(world, world.desk)["life_areas"]["rows"]}
    # Housing: 6 support + 2 urgent = 8 (the 6 is hidden, else 8 - 6 reveals the 2); debts: 3.
    assert rows["housing"] == [[8, SHOWN], [None, PROTECTED], [None, SMALL]]
    assert rows["debts"] == [[None, SMALL], [None, SMALL], [None, SMALL]]
    assert "health" not in rows  # no need recorded there


def test_referrals_by_category_and_outcome(world):
    section = _compute(world, world.desk)["referrals"]
    rows = {row["key"]: row["cells"] for row in section["rows"]}
    columns = [key for key, _kind in section["columns"]]
    housing = dict(zip(columns, rows["housing"], strict=True))
    # Housing 6 (5 successful, 1 no capacity), debt 1 (open): 7 in all, the October one is
    # outside. With debt's 1 small, housing's 6 is hidden; then its 5 successful as well.
    assert housing["all"] == [None, PROTECTED] and housing["successful"] == [None, PROTECTED]
    assert housing["no_capacity"] == [None, SMALL]
    assert rows["debt"] == [[None, SMALL]] * 10
    assert section["total"]["cells"][0] == [7, SHOWN]


def test_withdrawn_and_expired_referrals_are_not_counted_as_open(world):
    """A withdrawn or expired referral records no outcome, but it has ended: it is counted as
    "withdrawn or expired", not as "no outcome yet" (review of issue 16)."""
    sw = world.users["social_worker"]
    debt = Offer.objects.get(name="Schuldnerberatung")
    _referral(world, sw, world.cases[8], debt, status="withdrawn", outcome="")
    _referral(world, sw, world.cases[9], debt, status="expired", outcome="")
    _referral(world, sw, world.cases[10], debt, status="accepted", outcome="")
    table = help_figures.referrals(world.desk, Q3)
    (debt_row,) = [row for row in table.rows if row.key == "debt"]
    # Before: the sent one; now also withdrawn, expired and accepted: 2 open, 2 ended.
    assert debt_row.values["all"] == 4
    assert (debt_row.values["open"], debt_row.values["ended"]) == (2, 2)


def test_financial_help_counts_sums_and_medians_as_decimals(world):
    sections = _compute(world, world.desk)
    kind = sections["payments_kind"]
    # Paid in Q3: 6 grants (1900.49) and 2 loans (200.00); the loans are few, so the grants are
    # hidden as well (8 - 6 would give 2). Total: 8 payments, 2100.49 EUR, median (120 + 200) / 2.
    assert kind["total"]["cells"] == [[8, SHOWN], ["2100.49", SHOWN], ["160.00", SHOWN]]
    rows = {row["key"]: row["cells"] for row in kind["rows"]}
    assert rows["loan"] == [[None, SMALL], [None, SMALL], [None, SMALL]]
    assert rows["grant"] == [[None, PROTECTED], [None, PROTECTED], [None, PROTECTED]]
    purpose = {row["key"]: row["cells"] for row in sections["payments_purpose"]["rows"]}
    # Arrears 5, shelter 1, food 2: two small counts under a shown total, so arrears goes too,
    # and with every count its sum and its median.
    assert purpose == {
        "food": [[None, SMALL]] * 3,
        "arrears": [[None, PROTECTED]] * 3,
        "shelter": [[None, SMALL]] * 3,
    }
    (fund,) = sections["payments_fund"]["rows"]  # one fund: its row is the total
    assert fund["name"] == "Notfallfonds OE 50.25"
    assert fund["cells"] == [[8, SHOWN], ["2100.49", SHOWN], ["160.00", SHOWN]]


def test_city_scope_adds_every_agency(world):
    table = _table(_compute(world, None)["cases"])
    assert table["2026-07-01"][0] == (16, SHOWN)  # 12 of the desk + 4 of the partner
    assert table["*"][0] == (26, SHOWN)


def test_a_section_without_data_is_left_out(world):
    sections = _compute(world, world.desk)
    assert "conferences" not in sections and "consultations" not in sections
    assert _compute(world, world.partner).keys() >= {"cases", "districts", "age_gender"}
    assert "payments_kind" not in _compute(world, world.partner)


def test_the_inventory_counts_offers_for_whoever_may_see_it(world):
    sections = _compute(world, world.desk)
    assert sections["inventory"]["total"]["cells"][0] == [1, SHOWN]  # the housing offer serves Nord
    # The reporting role reads the inventory (public directory data); a role without the
    # inventory right gets the report without that section.
    result = figures.compute(actor=world.users["reporting"], scope=world.desk, period=Q3, minimum=5)
    assert "inventory" in {section["key"] for section in result["sections"]}
    with mock.patch("reports.figures.inventory.may", return_value=None):
        result = figures.compute(actor=world.users["reporting"], scope=world.desk, period=Q3, minimum=5)
    assert "inventory" not in {section["key"] for section in result["sections"]}


def test_the_threshold_is_configurable(world):
    result = figures.compute(actor=world.users["team_lead"], scope=world.desk, period=Q3, minimum=3)
    cases = {row["key"]: row["cells"] for row in result["sections"][0]["rows"]}
    assert cases["2026-09-01"][0] == [3, SHOWN]  # 3 is not below 3
    assert result["threshold"] == 3


def test_nothing_personal_in_the_stored_figures(world):
    result = str(figures.compute(actor=world.users["team_lead"], scope=None, period=Q3, minimum=5))
    for case in world.cases:
        assert case.reference not in result
    for name in (*SECRET_NAMES, "Jolanta", "1961-04-17", "17.04.1961"):
        assert name not in result


def test_the_stored_result_holds_no_hidden_figure(world):
    result = figures.compute(actor=world.users["team_lead"], scope=world.desk, period=Q3, minimum=5)
    cells = [
        cell
        for section in result["sections"]
        for row in [*section["rows"], *([section["total"]] if section["total"] else [])]
        for cell in row["cells"]
    ]
    assert {state for _value, state in cells} == {SHOWN, SMALL, PROTECTED}
    assert all(value is None for value, state in cells if state != SHOWN)


def test_a_median_of_half_a_cent_is_rounded_up():
    """The median of 10.02 and 10.03 EUR is 10.025: shown as 10,03 € (half up, as in
    commerce), not 10,02 € (half to even) (review of issue 16)."""
    assert stats.money(stats.median_money([Decimal("10.02"), Decimal("10.03")])) == Decimal("10.03")
    assert stats.money(Decimal("10.015")) == Decimal("10.02")
