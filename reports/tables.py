"""A report section as a table of figures, and how it is published: small counts hidden with
primary and secondary suppression (reports.suppression), and whatever is computed from a hidden
count (a sum or a median of money, quartiles of days) hidden with it.

A section is computed as a RawTable (the true figures, kept only in memory) and published as a
plain dict (stored in Report.result): a hidden cell is stored without its value, so neither
the cache nor any output holds a figure that the page does not show."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from .suppression import PROTECTED, SHOWN, SMALL, Relation, suppress

COUNT, MONEY, DAYS = "count", "money", "days"
TOTAL = "*"


@dataclass
class RawRow:
    key: str
    name: str = ""  # a label from the database (a district, a fund); "" = from the section's choices
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class RawTable:
    """The true figures of one section.

    `columns`: (column key, kind). Count columns are suppressed; a money or days column names
    the count column it was computed from in `depends` and is hidden wherever that count is.
    `row_total`: (total column, part columns) when, in every row, the parts add up to the total.
    `column_totals`: the rows partition the section's population, so a total row adds them up
    (count and money-sum columns); `total_values` gives the total row's other figures (a median
    of all payments is not the sum of the rows' medians)."""

    key: str
    columns: list[tuple[str, str]]
    rows: list[RawRow]
    depends: dict[str, str] = field(default_factory=dict)
    row_total: tuple[str, tuple[str, ...]] | None = None
    column_totals: bool = True
    total_values: dict[str, object] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def count_columns(self) -> list[str]:
        return [key for key, kind in self.columns if kind == COUNT]

    def is_empty(self) -> bool:
        return not any(row.values.get(column) for row in self.rows for column in self.count_columns)


def _count_cells(table: RawTable) -> tuple[dict[Hashable, int], list[Relation]]:
    counts = table.count_columns
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    for row in table.rows:
        for column in counts:
            values[(row.key, column)] = int(row.values.get(column) or 0)
    if table.column_totals:
        for column in counts:
            values[(TOTAL, column)] = sum(values[(row.key, column)] for row in table.rows)
            relations.append(Relation((TOTAL, column), tuple((row.key, column) for row in table.rows)))
    if table.row_total:
        total, parts = table.row_total
        keys = [row.key for row in table.rows] + ([TOTAL] if table.column_totals else [])
        for key in keys:
            relations.append(Relation((key, total), tuple((key, part) for part in parts)))
    return values, relations


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, 1)
    return value


def linked_cells(tables: list[RawTable], shared: dict[str, str] | None = None):
    """The count cells and sums of several tables as one system, keyed (table, row, column).
    `shared` names, per table, the column whose total is the same figure in every one of them
    (e.g. the cases opened: by month, by district, by age band): that total is one cell, so a
    total hidden in one table can never be read off another."""
    shared = shared or {}
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []

    def key_of(table: RawTable, key: tuple) -> Hashable:
        if key == (TOTAL, shared.get(table.key)):
            return ("shared", TOTAL)
        return (table.key, *key)

    for table in tables:
        table_values, table_relations = _count_cells(table)
        values.update({key_of(table, key): value for key, value in table_values.items()})
        for relation in table_relations:
            parts = tuple(key_of(table, part) for part in relation.parts)
            relations.append(Relation(key_of(table, relation.total), parts))
    return values, relations, key_of


def publish_linked(tables: list[RawTable], *, minimum: int, shared: dict[str, str] | None = None) -> list[dict]:
    """Tables tied by a shared total, suppressed together (see linked_cells)."""
    values, relations, key_of = linked_cells(tables, shared)
    states = suppress(values, relations, minimum=minimum)
    return [_published(table, values, states, key_of) for table in tables]


def publish(table: RawTable, *, minimum: int) -> dict:
    """The section as published: per cell [value or None, state]."""
    return publish_linked([table], minimum=minimum)[0]


def _published(table: RawTable, values: dict, states: dict, key_of) -> dict:
    def cells(key, source: dict) -> list:
        out = []
        for column, kind in table.columns:
            if kind == COUNT:
                cell = key_of(table, (key, column))
                state = states[cell]
                out.append([values[cell] if state == SHOWN else None, state])
                continue
            anchor = table.depends.get(column)
            state = states.get(key_of(table, (key, anchor)), SHOWN) if anchor else SHOWN
            value = source.get(column)
            out.append([_plain(value) if state == SHOWN else None, state])
        return out

    rows = [{"key": row.key, "name": row.name, "cells": cells(row.key, row.values)} for row in table.rows]
    total = None
    if table.column_totals:
        total_source = dict(table.total_values)
        for column, kind in table.columns:
            if kind == MONEY and column not in total_source:
                total_source[column] = sum((row.values.get(column) or Decimal(0) for row in table.rows), Decimal(0))
        total = {"key": TOTAL, "name": "", "cells": cells(TOTAL, total_source)}
    return {
        "key": table.key,
        "columns": [[key, kind] for key, kind in table.columns],
        "rows": rows,
        "total": total,
        "extra": table.extra,
    }


@dataclass(frozen=True)
class Cell:
    """A published figure, as the page, the chart and the files show it."""

    value: object
    state: str
    kind: str
    minimum: int

    @property
    def shown(self) -> bool:
        return self.state == SHOWN and self.value is not None

    @property
    def missing(self) -> bool:
        return self.state == SHOWN and self.value is None

    @property
    def text(self) -> str:
        """The plain text (CSV, spreadsheet, PDF): "< 5", "×", "–" or the figure."""
        if self.state == SMALL:
            return f"< {self.minimum}"
        if self.state == PROTECTED:
            return "×"
        if self.value is None:
            return "–"
        if self.kind == MONEY:
            return german_money(Decimal(self.value))
        if self.kind == DAYS:
            return f"{self.value:.1f}".replace(".", ",")
        return f"{self.value:,}".replace(",", ".")

    @property
    def number(self):
        """The figure for a spreadsheet cell: an int, a Decimal or a float; else the text."""
        if not self.shown:
            return self.text
        if self.kind == MONEY:
            return Decimal(self.value)
        return self.value


def german_money(amount: Decimal) -> str:
    whole, cents = f"{amount.quantize(Decimal('0.01')):,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents} €"
