"""Small-number protection cannot be undone: an attacker who reads a published table (every
shown figure, which cells are "< 5" and which "×", and every row and column total) searches
for any filling of the hidden cells that agrees with all of it. For every hidden small count
(1 to 4) we find such a filling in which it has another value, so the table does not
determine it. The search is exact (depth-first over integer values, narrowed by the sums), and
runs over the report's real sections and over many random tables."""

import random

import pytest

from reports.figures import LINKED
from reports.suppression import SHOWN, SMALL, bounds
from reports.tables import TOTAL, RawRow, RawTable, linked_cells, publish, publish_linked

from .test_reports_figures import Q3, build

FAR = ("__far__", None)  # a value the attacker adds so that no hidden cell is capped by the truth


def _published(tables, minimum: int, shared=None):
    """What the attacker sees of tables published together, as (truth, seen, states, relations):
    every shown figure and every mark, each total of every table; hidden cells carry no value."""
    tables = tables if isinstance(tables, list) else [tables]
    values, relations, key_of = linked_cells(tables, shared)
    states = {}
    for table, out in zip(tables, publish_linked(tables, minimum=minimum, shared=shared), strict=True):
        counts = [i for i, (_key, kind) in enumerate(table.columns) if kind == "count"]
        for row in [*out["rows"], *([out["total"]] if out["total"] else [])]:
            for i in counts:
                states[key_of(table, (row["key"], table.columns[i][0]))] = row["cells"][i][1]
    seen = {key: (values[key] if states[key] == SHOWN else 0) for key in states}
    seen[FAR] = 10_000
    return values, seen, states, relations


def _completion(seen, states, relations, minimum, fixed):
    """A filling of every hidden cell consistent with the table and `fixed`, or None."""
    values, state = dict(seen), dict(states)
    for key, value in fixed.items():
        values[key], state[key] = value, SHOWN
    low, high = bounds(values, state, relations, minimum=minimum)
    if any(low[key] > high[key] for key in state):
        return None
    open_cells = [key for key in state if state[key] != SHOWN and low[key] < high[key]]
    if not open_cells:
        filling = {key: low[key] for key in state}
        ok = all(filling[r.total] == sum(filling[p] for p in r.parts) for r in relations)
        return filling if ok else None
    key = min(open_cells, key=lambda k: high[k] - low[k])
    for value in range(low[key], min(high[key], low[key] + 60) + 1):
        found = _completion(seen, states, relations, minimum, {**fixed, key: value})
        if found is not None:
            return found
    return None


def assert_not_recoverable(table, minimum: int = 5, shared=None) -> int:
    truth, seen, states, relations = _published(table, minimum, shared)
    checked = 0
    for key, state in states.items():
        if state == SMALL and truth[key] > 0:
            # The values nearest the truth first: a witness is usually found at once.
            other = sorted((v for v in range(minimum) if v != truth[key]), key=lambda v: abs(v - truth[key]))
            witnesses = (_completion(seen, states, relations, minimum, {key: v}) for v in other)
            assert any(w is not None for w in witnesses), f"{key} = {truth[key]} can be worked out"
            checked += 1
    return checked


@pytest.mark.django_db
def test_no_small_count_of_the_real_report_can_be_worked_out():
    from reports.figures import cases, help

    world = build()
    checked = 0
    for scope in (world.desk, None):
        opened = [cases.opened_and_closed(scope, Q3), cases.districts(scope, Q3), cases.age_and_gender(scope, Q3)]
        checked += assert_not_recoverable(opened, shared=LINKED["opened"])
        checked += assert_not_recoverable(help.payments(scope, Q3), shared=LINKED["paid"])
        checked += assert_not_recoverable(cases.life_areas(scope, Q3))
        checked += assert_not_recoverable(help.referrals(scope, Q3))
    assert checked >= 20


def test_a_total_shown_in_one_table_protects_the_others():
    """Two districts of 4 each: their total 8 is hidden in the district table, but the cases
    opened (8) are shown by month. Suppressed apart, 8 = 4 + 4 would pin both; together the
    module hides more."""
    months = RawTable(key="cases", columns=[("opened", "count")], rows=[RawRow("2026-07-01", values={"opened": 8})])
    districts = RawTable(
        key="districts",
        columns=[("opened", "count")],
        rows=[RawRow("1", values={"opened": 4}), RawRow("2", values={"opened": 4})],
    )
    apart = publish(districts, minimum=5)
    assert apart["total"]["cells"][0][1] != SHOWN and publish(months, minimum=5)["total"]["cells"][0] == [8, SHOWN]
    # Apart, the attacker reads 8 off the month table and pins both districts at 4:
    truth, seen, states, relations = _published(districts, 5)
    states[("districts", TOTAL, "opened")], seen[("districts", TOTAL, "opened")] = SHOWN, 8
    assert _completion(seen, states, relations, 5, {("districts", "1", "opened"): 3}) is None
    # Together, nothing is pinned:
    assert assert_not_recoverable([months, districts], shared={"cases": "opened", "districts": "opened"}) == 2


def _random_table(rng: random.Random, number: int) -> RawTable:
    columns = [f"c{i}" for i in range(rng.randint(2, 3))]
    rows = []
    for r in range(rng.randint(2, 4)):
        values = {c: rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20]) for c in columns}
        values["all"] = sum(values.values())
        rows.append(RawRow(key=f"r{r}", values=values))
    return RawTable(
        key=f"random-{number}",
        columns=[("all", "count"), *((c, "count") for c in columns)],
        rows=rows,
        row_total=("all", tuple(columns)),
    )


def test_no_small_count_of_a_random_table_can_be_worked_out():
    rng = random.Random(16)
    checked = sum(assert_not_recoverable(_random_table(rng, n)) for n in range(60))
    assert checked > 100


def test_the_attack_finds_a_count_left_alone():
    """The attacker is real: without secondary suppression a small count falls out at once."""
    table = RawTable(
        key="t", columns=[("n", "count")], rows=[RawRow("a", values={"n": 3}), RawRow("b", values={"n": 9})]
    )
    _truth, seen, states, relations = _published(table, 5)
    assert states[("t", "b", "n")] != SHOWN  # the module hid b as well
    states[("t", "b", "n")], seen[("t", "b", "n")] = SHOWN, 9  # as if it had not
    assert _completion(seen, states, relations, 5, {("t", "a", "n"): 2}) is None
    assert _completion(seen, states, relations, 5, {("t", "a", "n"): 3}) is not None
    assert seen[("t", TOTAL, "n")] == 12


def test_money_follows_its_count():
    table = RawTable(
        key="m",
        columns=[("payments", "count"), ("sum", "money")],
        rows=[RawRow("a", values={"payments": 2, "sum": 500}), RawRow("b", values={"payments": 9, "sum": 900})],
        depends={"sum": "payments"},
    )
    out = publish(table, minimum=5)
    assert out["rows"][0]["cells"][1] == [None, SMALL] and out["rows"][1]["cells"][1][0] is None
    assert out["total"]["cells"] == [[11, SHOWN], ["1400", SHOWN]]


def test_a_long_chart_label_is_cut_at_a_word_with_an_ellipsis():
    from reports.charts import LABEL_CHARACTERS, short_label

    assert short_label("Gewalt, Menschenhandel und Sicherheit") == "Gewalt, Menschenhandel und …"
    assert short_label("Wohnen") == "Wohnen"
    assert all(len(short_label("x " * n)) <= LABEL_CHARACTERS for n in range(1, 40))
