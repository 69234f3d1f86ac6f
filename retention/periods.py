"""Calendar arithmetic of retention periods, and which part of a case is due when."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from .kinds import CASE_FILE, CASE_FILE_KIND, CASE_PARTS, CountedFrom, RecordKind


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months (31 January + 1 month = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def subtract_months(moment: datetime, months: int) -> datetime:
    return add_months(moment, -months)


@dataclass(frozen=True)
class Period:
    """A rule as the job uses it: its length in months and whether it may be carried out."""

    kind: str
    months: int
    counted_from: str
    confirmed: bool


def periods_from(rules, *, confirmed_only: bool) -> dict[str, Period]:
    """The rules the job applies: the confirmed ones for the real run, all for the preview."""
    return {
        rule.record_kind: Period(rule.record_kind, rule.total_months, rule.counted_from, rule.is_confirmed)
        for rule in rules
        if rule.is_confirmed or not confirmed_only
    }


def case_dues(*, closed_at: datetime, agency_kind: str, periods: dict[str, Period]) -> dict[str, datetime]:
    """When each kind of a closed case becomes due: the case file by its owner's kind; each part
    by its own period, but at the latest with the case file (the case file's period is the
    outer bound of everything in it). Kinds without an applicable rule are absent."""
    dues: dict[str, datetime] = {}
    file_rule = periods.get(CASE_FILE_KIND.get(agency_kind, RecordKind.CASE_OTHER))
    file_due = add_months(closed_at, file_rule.months) if file_rule else None
    if file_due is not None:
        dues[CASE_FILE] = file_due
    for kind in CASE_PARTS:
        rule = periods.get(kind)
        own = add_months(closed_at, rule.months) if rule and rule.counted_from == CountedFrom.CASE_CLOSED else None
        candidates = [d for d in (own, file_due) if d is not None]
        if candidates:
            dues[kind] = min(candidates)
    return dues


def shortest_case_period(periods: dict[str, Period]) -> int | None:
    """The shortest period counted from the closing of a case (which closed cases to look at)."""
    months = [p.months for p in periods.values() if p.counted_from == CountedFrom.CASE_CLOSED]
    return min(months) if months else None
