"""The inventory for the council committee: how many active help offers there are per category
(rows, in the order of vocabulary.Category) and district of one municipality (columns), and the
gaps: a district with no offer of a category. It answers the Hannover motion's question which
help offers for a target group already exist in the city.

An offer counts in a district when it serves the district (Offer.districts) or has a location
there; it counts once per district, however many locations it has. "Active" means the offer and
its provider are active. Filtered by a target group, offers for everyone count as well. Two
queries whatever the size of the directory: the districts, and the distinct (offer, category,
district) triples; plus one count of the offers that name no district at all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import ngettext

from access.decide import require
from access.rules import Action
from agencies.models import District
from agencies.selectors import agencies_of

from ..models import Offer, OfferLocation, OfferTargetGroup
from ..vocabulary import Category, TargetGroup


@dataclass
class Row:
    category: str
    label: str
    cells: list[int]  # one per district, in the order of Inventory.districts
    total: int  # distinct offers of the category in the municipality


@dataclass
class Inventory:
    municipality: str
    target_group: str
    districts: list[District]
    rows: list[Row]
    district_totals: list[int]
    total: int
    gaps: list[tuple[str, list[str]]]  # (district name, category labels without any offer)
    unplaced: int  # matching active offers that name no district at all

    @property
    def target_group_label(self) -> str:
        return str(dict(TargetGroup.choices).get(self.target_group, "")) if self.target_group else ""

    @property
    def gap_count(self) -> int:
        return sum(len(labels) for _district, labels in self.gaps)

    @property
    def cell_count(self) -> int:
        return len(self.rows) * len(self.districts)

    @property
    def missing_categories(self) -> list[str]:
        """Categories with no offer anywhere in the municipality."""
        return [row.label for row in self.rows if row.total == 0]


def municipalities() -> list[str]:
    return list(District.objects.order_by("municipality").values_list("municipality", flat=True).distinct())


def default_municipality(user, choices: list[str]) -> str:
    """The municipality of the user's agency, if it has districts; else the first one."""
    for agency in agencies_of(user):
        if agency.municipality in choices:
            return agency.municipality
    return choices[0] if choices else ""


def _active_offers(target_group: str):
    offers = Offer.objects.listed()
    if target_group:
        codes = {target_group, TargetGroup.EVERYONE}
        offers = offers.filter(Exists(OfferTargetGroup.objects.filter(offer=OuterRef("pk"), code__in=codes)))
    return offers


def _triples(municipality: str, offers) -> set[tuple[int, str, int]]:
    """Distinct (offer, category, district) in the municipality: served or located there."""
    served = Offer.districts.through.objects.filter(district__municipality=municipality, offer__in=offers)
    located = OfferLocation.objects.filter(district__municipality=municipality, offer__in=offers)
    fields = ("offer_id", "offer__category", "district_id")
    # No ordering inside the union: SQLite (the demo) refuses ORDER BY in its parts.
    return set(served.values_list(*fields).order_by().union(located.values_list(*fields).order_by()))


def inventory(*, user, municipality: str, target_group: str = "") -> Inventory:
    require(user, Action.INVENTORY_VIEW)
    districts = list(District.objects.filter(municipality=municipality).order_by("name"))
    offers = _active_offers(target_group)
    per_cell: dict[tuple[str, int], set[int]] = defaultdict(set)
    per_category: dict[str, set[int]] = defaultdict(set)
    per_district: dict[int, set[int]] = defaultdict(set)
    everywhere: set[int] = set()
    for offer_id, category, district_id in _triples(municipality, offers):
        per_cell[(category, district_id)].add(offer_id)
        per_category[category].add(offer_id)
        per_district[district_id].add(offer_id)
        everywhere.add(offer_id)
    rows = [
        Row(code, str(label), [len(per_cell[(code, d.pk)]) for d in districts], len(per_category[code]))
        for code, label in Category.choices
    ]
    gaps = [
        (district.name, [row.label for row in rows if row.cells[index] == 0])
        for index, district in enumerate(districts)
    ]
    unplaced = offers.filter(districts__isnull=True).exclude(
        Exists(OfferLocation.objects.filter(offer=OuterRef("pk"), district__isnull=False))
    )
    return Inventory(
        municipality=municipality,
        target_group=target_group,
        districts=districts,
        rows=rows,
        district_totals=[len(per_district[d.pk]) for d in districts],
        total=len(everywhere),
        gaps=[(name, labels) for name, labels in gaps if labels],
        unplaced=unplaced.count(),
    )


def summary(report: Inventory) -> str:
    """The short answer to the motion's question, for the page and the PDF."""
    values = {
        "count": report.total,
        "municipality": report.municipality,
        "group": report.target_group_label,
        "districts": len(report.districts),
        "gaps": report.gap_count,
        "cells": report.cell_count,
    }
    if report.target_group:
        first = ngettext(
            "In %(municipality)s there is %(count)d active help offer for the target group “%(group)s”.",
            "In %(municipality)s there are %(count)d active help offers for the target group “%(group)s”.",
            report.total,
        )
    else:
        first = ngettext(
            "In %(municipality)s there is %(count)d active help offer.",
            "In %(municipality)s there are %(count)d active help offers.",
            report.total,
        )
    second = ngettext(
        "In %(gaps)d of %(cells)d combinations of category and district there is no offer (a gap).",
        "In %(gaps)d of %(cells)d combinations of category and district there is no offer (gaps).",
        report.gap_count,
    )
    return f"{first % values} {second % values}"
