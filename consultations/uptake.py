"""The uptake report of an agency's consultation hours: contacts by district of residence,
location, topic and month; first contacts and repeats, applications started, referrals made.
Counts only, read in one grouped query; small counts are hidden (reports.suppression)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.suppression import MINIMUM, PROTECTED, SHOWN, SMALL, Relation, suppress

from .models import ConsultationContact
from .vocabulary import Outcome, Topic

COLUMNS = (
    ("contacts", gettext_lazy("Contacts")),
    ("first", gettext_lazy("First contacts")),
    ("repeat", gettext_lazy("Repeat contacts")),
    ("applications", gettext_lazy("Applications started")),
    ("referrals", gettext_lazy("Referrals to help offers")),
)
DIMENSIONS = (
    ("district", gettext_lazy("District of residence"), gettext_lazy("Contacts by district of residence")),
    ("location", gettext_lazy("Location"), gettext_lazy("Contacts by location")),
    ("topic", gettext_lazy("Topic"), gettext_lazy("Contacts by topic")),
    ("month", gettext_lazy("Month"), gettext_lazy("Contacts by month")),
)
TOTAL = "*"
PROTECTED_MARK = "×"
MAX_MONTHS = 24


@dataclass(frozen=True)
class Cell:
    value: int
    state: str

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def text(self) -> str:
        if self.state == SMALL:
            return f"< {MINIMUM}"
        return PROTECTED_MARK if self.state == PROTECTED else str(self.value)


@dataclass
class Row:
    key: Hashable
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Table:
    key: str
    title: str
    heading: str
    rows: list[Row]
    total: Row


@dataclass
class Report:
    agency: object
    first: date
    last: date
    tables: list[Table]
    total: Row

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last and len(months) < MAX_MONTHS:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def month_label(month: date) -> str:
    return dateformat.format(month, "F Y")


def _end_of_month(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _grouped(agency, months: list[date]) -> list[dict]:
    return list(
        ConsultationContact.objects.filter(agency=agency, date__gte=months[0], date__lte=_end_of_month(months[-1]))
        .annotate(month=TruncMonth("date"))
        .values("district_id", "district__name", "location_id", "location__name", "topic", "month", "first_contact")
        .annotate(
            contacts=Count("id"),
            applications=Count("id", filter=_outcome(Outcome.APPLICATION_STARTED)),
            referrals=Count("id", filter=_outcome(Outcome.REFERRED)),
        )
        .order_by()
    )


def _outcome(outcome: str) -> Q:
    return Q(outcome=outcome)


def _add(counts: dict, key: Hashable, group: dict) -> None:
    row = counts[key]
    row["contacts"] += group["contacts"]
    row["first" if group["first_contact"] else "repeat"] += group["contacts"]
    row["applications"] += group["applications"]
    row["referrals"] += group["referrals"]


def _as_month(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _counts(groups: list[dict], months: list[date]) -> tuple[dict, dict]:
    """Per dimension: row key -> column -> count; and the rows' labels."""
    counts: dict[str, dict] = {key: defaultdict(lambda: defaultdict(int)) for key, _title, _heading in DIMENSIONS}
    labels: dict[str, dict] = {key: {} for key, _title, _heading in DIMENSIONS}
    for month in months:
        # Every month of the period is a row, also one without contacts.
        counts["month"].setdefault(month, defaultdict(int))
        labels["month"][month] = month_label(month)
    topic_labels = dict(Topic.choices)
    for group in groups:
        keys = {
            "district": group["district_id"],
            "location": group["location_id"],
            "topic": group["topic"],
            "month": _as_month(group["month"]),
        }
        for dimension, key in keys.items():
            _add(counts[dimension], key, group)
        labels["district"][group["district_id"]] = group["district__name"] or _("Not stated")
        labels["location"][group["location_id"]] = group["location__name"]
        labels["topic"][group["topic"]] = str(topic_labels.get(group["topic"], group["topic"]))
    return counts, labels


def _order(dimension: str, keys, labels: dict) -> list:
    if dimension == "topic":
        return [code for code in Topic.values if code in keys]
    if dimension == "month":
        return sorted(keys)
    # Districts and locations by name; "not stated" last.
    return sorted(keys, key=lambda key: (key is None, labels[key]))


def build_report(*, agency, first: date, last: date) -> Report:
    """The report of `agency` for the months from `first` to `last` (at most MAX_MONTHS)."""
    months = months_between(first, last)
    counts, labels = _counts(_grouped(agency, months), months)
    columns = [key for key, _label in COLUMNS]
    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    order = {dimension: _order(dimension, counts[dimension].keys(), labels[dimension]) for dimension in counts}
    total = defaultdict(int)
    for dimension, keys in order.items():
        for key in keys:
            for column in columns:
                values[(dimension, key, column)] = counts[dimension][key][column]
            relations.append(_row_relation((dimension, key)))
        for column in columns:
            relations.append(Relation((TOTAL, column), tuple((dimension, key, column) for key in keys)))
    for key in order["month"]:
        for column in columns:
            total[column] += counts["month"][key][column]
    values.update({(TOTAL, column): total[column] for column in columns})
    relations.append(Relation((TOTAL, "contacts"), ((TOTAL, "first"), (TOTAL, "repeat"))))
    states = suppress(values, relations)

    def row(prefix: tuple, key, label) -> Row:
        cells = [Cell(values[(*prefix, column)], states[(*prefix, column)]) for column in columns]
        return Row(key=key, label=label, cells=cells)

    total_row = row((TOTAL,), TOTAL, _("All contacts"))
    tables = [
        Table(
            key=dimension,
            title=str(title),
            heading=str(heading),
            rows=[row((dimension, key), key, labels[dimension][key]) for key in order[dimension]],
            total=total_row,
        )
        for dimension, title, heading in DIMENSIONS
    ]
    return Report(agency=agency, first=months[0], last=months[-1], tables=tables, total=total_row)


def _row_relation(prefix: tuple) -> Relation:
    return Relation((*prefix, "contacts"), ((*prefix, "first"), (*prefix, "repeat")))


def legend() -> list[tuple[str, str]]:
    return [
        (f"< {MINIMUM}", _("fewer than five contacts; not shown so that nobody can be recognised")),
        (PROTECTED_MARK, _("not shown so that a hidden small count cannot be worked out from the totals")),
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text) -> str:
    text = str(text)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def report_csv(report: Report) -> bytes:
    """The report's tables as one CSV for spreadsheets: semicolons, UTF-8 with a byte-order
    mark (Excel then reads the umlauts), German headers, the same marks as on the page."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Breakdown"), _("Value"), *(str(label) for _key, label in COLUMNS)])
    for table in report.tables:
        for item in table.rows:
            writer.writerow([table.title, _safe(item.label), *(cell.text for cell in item.cells)])
    writer.writerow([_("Total"), report.total.label, *(cell.text for cell in report.total.cells)])
    for mark, meaning in legend():
        writer.writerow([_("Explanation"), f"{mark}: {meaning}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
