"""A stored report result as the page, the chart and the files show it: each section with its
title, its column and row labels (translated when shown, so the cache holds only codes), its
published cells and its chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.demographics import AgeBand, Gender
from casework.life_areas import LifeArea
from consultations.vocabulary import Topic
from payments.models import Kind, Purpose
from referrals.models.referral import Outcome
from referrals.vocabulary import Category

from .charts import hbars_svg
from .tables import Cell

NOT_RECORDED = "-"


@dataclass(frozen=True)
class Meta:
    title: object
    columns: dict
    rows: dict | None = None  # code -> label; None: the row's stored name (or a month)
    note: object = ""
    chart: bool = True


def _months(key: str, by_quarter: bool) -> str:
    day = date.fromisoformat(key)
    if by_quarter:
        return _("Q%(number)s %(year)s") % {"number": (day.month - 1) // 3 + 1, "year": day.year}
    return dateformat.format(day, "F Y")


_NOT_RECORDED = gettext_lazy("Not recorded")
_GENDERS = {**dict(Gender.choices), NOT_RECORDED: _NOT_RECORDED}
_MONEY = {"payments": gettext_lazy("Payments"), "sum": gettext_lazy("Sum"), "median": gettext_lazy("Median")}

META: dict[str, Meta] = {
    "cases": Meta(
        gettext_lazy("Cases opened and closed"), {"opened": gettext_lazy("Opened"), "closed": gettext_lazy("Closed")}
    ),
    "life_areas": Meta(
        gettext_lazy("Needs recorded, by life area"),
        {
            "with_need": gettext_lazy("Cases with a need"),
            "support": gettext_lazy("Support needed"),
            "urgent": gettext_lazy("Urgent"),
        },
        dict(LifeArea.choices),
        gettext_lazy(
            "The need as recorded when the report was computed: first in the first conversation, then kept "
            "up to date in the case. A case can have needs in several life areas, so the rows do not add up "
            "to a total."
        ),
    ),
    "districts": Meta(gettext_lazy("Cases opened, by district"), {"opened": gettext_lazy("Cases opened")}, None),
    "age_gender": Meta(
        gettext_lazy("Cases opened, by age band and gender"),
        {"all": gettext_lazy("All"), **_GENDERS},
        {**dict(AgeBand.choices), NOT_RECORDED: _NOT_RECORDED},
        gettext_lazy("Age band when the case was opened; gender as the person stated it."),
    ),
    "first_conversation": Meta(
        gettext_lazy("Time from first contact to first conversation"),
        {
            "cases": gettext_lazy("Cases"),
            "q1": gettext_lazy("First quartile (days)"),
            "median": gettext_lazy("Median (days)"),
            "q3": gettext_lazy("Third quartile (days)"),
        },
        {"all": gettext_lazy("Cases with a completed first conversation")},
        chart=False,
    ),
    "referrals": Meta(
        gettext_lazy("Referrals, by category of offer and outcome"),
        {
            "all": gettext_lazy("All"),
            **dict(Outcome.choices),
            "ended": gettext_lazy("Withdrawn or expired"),
            "open": gettext_lazy("No outcome yet"),
        },
        dict(Category.choices),
    ),
    "payments_kind": Meta(gettext_lazy("Financial help paid, by kind"), _MONEY, dict(Kind.choices)),
    "payments_purpose": Meta(gettext_lazy("Financial help paid, by purpose"), _MONEY, dict(Purpose.choices)),
    "payments_fund": Meta(gettext_lazy("Financial help paid, by fund"), _MONEY, None),
    "conferences": Meta(gettext_lazy("Case conferences held"), {"held": gettext_lazy("Conferences held")}),
    "consultations": Meta(
        gettext_lazy("Consultation-hour contacts, by topic"),
        {
            "contacts": gettext_lazy("Contacts"),
            "first": gettext_lazy("First contacts"),
            "repeat": gettext_lazy("Repeat contacts"),
        },
        dict(Topic.choices),
    ),
    "inventory": Meta(
        gettext_lazy("Help offers in the directory, by category"),
        {"offers": gettext_lazy("Active offers"), "gaps": gettext_lazy("Districts without such an offer")},
        dict(Category.choices),
        gettext_lazy("Offers, not people: nothing is hidden. As the directory stood when the report was computed."),
    ),
}


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Section:
    key: str
    title: str
    note: str
    columns: list[str]
    rows: list[Row]
    total: Row | None
    extra: dict = field(default_factory=dict)
    chart: object = ""

    @property
    def anchor(self) -> str:
        return f"section-{self.key.replace('_', '-')}"


def _row_label(meta: Meta, stored: dict, extra: dict) -> str:
    if stored["key"] == "*":
        return _("Total")
    if meta.rows is not None:
        return str(meta.rows.get(stored["key"], stored["key"]))
    if stored.get("name"):
        return stored["name"]
    if stored["key"] == NOT_RECORDED:
        return str(_NOT_RECORDED)
    return _months(stored["key"], extra.get("by_quarter", False))


def section(stored: dict, *, minimum: int, with_chart: bool = True) -> Section:
    meta = META[stored["key"]]
    kinds = [kind for _key, kind in stored["columns"]]
    extra = stored.get("extra", {})

    def row(item: dict) -> Row:
        cells = [Cell(value, state, kind, minimum) for (value, state), kind in zip(item["cells"], kinds, strict=True)]
        return Row(item["key"], _row_label(meta, item, extra), cells)

    built = Section(
        key=stored["key"],
        title=str(meta.title),
        note=str(meta.note),
        columns=[str(meta.columns.get(key, key)) for key, _kind in stored["columns"]],
        rows=[row(item) for item in stored["rows"]],
        total=row(stored["total"]) if stored.get("total") else None,
        extra=extra,
    )
    if with_chart and meta.chart and len(built.rows) > 1:
        built.chart = hbars_svg(
            rows=built.rows,
            column=0,
            title=f"{built.title}: {built.columns[0]}",
            chart_id=f"chart-{built.key}",
            description=chart_description(minimum),
            minimum=minimum,
        )
    return built


def chart_description(minimum: int) -> str:
    return _(
        "One bar per row of the table beside it, labelled with its figure. Figures below %(minimum)s and "
        "figures that would reveal them are not drawn to scale: their bars are outlined, low and carry "
        "the table's mark."
    ) % {"minimum": minimum}


def sections(result: dict, *, with_chart: bool = True) -> list[Section]:
    minimum = result.get("threshold", 5)
    return [section(stored, minimum=minimum, with_chart=with_chart) for stored in result.get("sections", [])]
