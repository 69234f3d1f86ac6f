"""The figures of a committee report, section by section (reports.figures.cases and .help):
each is computed as a RawTable and published with small numbers suppressed (reports.tables).
A section without any data is left out of the report."""

from __future__ import annotations

from collections.abc import Callable

from ..periods import Period
from ..tables import RawTable, publish, publish_linked
from . import cases, help
from .inventory import inventory_section

# (function, several tables?): run in this order; the progress bar moves after each step.
STEPS: list[tuple[Callable, bool]] = [
    (cases.opened_and_closed, False),
    (cases.life_areas, False),
    (cases.districts, False),
    (cases.age_and_gender, False),
    (cases.first_conversation, False),
    (help.referrals, False),
    (help.payments, True),
    (help.conferences, False),
    (help.consultations, False),
]
# Tables that count the same population share its total (the cases opened in the period; the
# payments paid): they are suppressed together (reports.tables.linked_cells), by group.
LINKED: dict[str, dict[str, str]] = {
    "opened": {"cases": "opened", "districts": "opened", "age_gender": "all"},
    "paid": {"payments_kind": "payments", "payments_purpose": "payments", "payments_fund": "payments"},
}


def publish_all(tables: list[RawTable], *, minimum: int) -> list[dict]:
    """Every non-empty table published, linked ones together, in the order of `tables`."""
    tables = [table for table in tables if not table.is_empty()]
    published: dict[str, dict] = {}
    for shared in LINKED.values():
        group = [table for table in tables if table.key in shared]
        for section in publish_linked(group, minimum=minimum, shared=shared) if group else []:
            published[section["key"]] = section
    for table in tables:
        if table.key not in published:
            published[table.key] = publish(table, minimum=minimum)
    return [published[table.key] for table in tables]


def compute(*, actor, scope, period: Period, minimum: int, progress: Callable[[int], None] = lambda _p: None) -> dict:
    """The published sections of the report of `scope` (an agency, or None for the city)."""
    tables: list[RawTable] = []
    steps = len(STEPS) + 1
    for number, (function, several) in enumerate(STEPS, start=1):
        tables.extend(function(scope, period) if several else [function(scope, period)])
        progress(round(100 * number / steps))
    sections = publish_all(tables, minimum=minimum)
    offers = inventory_section(actor, scope)
    if offers is not None:
        sections.append(offers)
    progress(100)
    return {"sections": sections, "threshold": minimum}
