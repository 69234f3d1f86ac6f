"""The period of a report: a quarter, a year or a free range of days, and what follows from it
(the datetimes it covers in local time, its rows by month or by quarter, whether it is large)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from .models import PeriodKind

MONTHLY_UP_TO = 24  # months; a longer period is broken down by quarter
LONGEST_RANGE_DAYS = 5 * 366


def inline_limit_days() -> int:
    """Periods up to this many days of one agency are computed while the page loads; longer
    ones and the whole city by a background job (reports.tasks). A quarter has at most 92 days."""
    return int(getattr(settings, "REPORTS_INLINE_MAX_DAYS", 92))


def minimum_count() -> int:
    """The smallest count a report shows (settings.REPORTS_MINIMUM_COUNT, default 5)."""
    return max(2, int(getattr(settings, "REPORTS_MINIMUM_COUNT", 5)))


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive), so a range query uses the index."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def by_quarter(self) -> bool:
        return len(months_between(self.first, self.last)) > MONTHLY_UP_TO

    def buckets(self) -> list[date]:
        """The first day of each month (or quarter) of the period: the rows of a time table."""
        months = months_between(self.first, self.last)
        if not self.by_quarter:
            return months
        return sorted({quarter_of(month) for month in months})


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    following = date(year + (number == 4), 1 if number == 4 else first.month + 3, 1)
    return Period(PeriodKind.QUARTER, first, following - timedelta(days=1))


def year(number: int) -> Period:
    return Period(PeriodKind.YEAR, date(number, 1, 1), date(number, 12, 31))


def last_complete_quarter(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    current = (today.month - 1) // 3 + 1
    return quarter(today.year - 1, 4) if current == 1 else quarter(today.year, current - 1)


def as_date(value) -> date:
    """A bucket from TruncMonth/TruncQuarter (a date, or a datetime on some backends)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
