"""Quantiles computed by the database: the median of money (exact, as Decimal) and the quartiles
of a duration, per group, in the same GROUP BY query as the counts.

PostgreSQL (the database of record) has ordered-set aggregates. The demo's SQLite has none;
there the values of the (small) demo periods are read and the same quantiles computed in Python
(`quantiles_in_python`), which gives the same figures."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Aggregate, DecimalField, FloatField, JSONField


class MedianMoney(Aggregate):
    """The median of a money column, exact: the mean of the lower and the upper middle value
    (percentile_disc on numeric keeps the Decimal; percentile_cont would go through float)."""

    name = "MedianMoney"
    template = (
        "((percentile_disc(0.5) WITHIN GROUP (ORDER BY %(expressions)s)) + "
        "(percentile_disc(0.5) WITHIN GROUP (ORDER BY %(expressions)s DESC))) / 2"
    )
    output_field = DecimalField(max_digits=14, decimal_places=4)
    allow_distinct = False


class Quartiles(Aggregate):
    """The 25th, 50th and 75th percentile (interpolated, as percentile_cont) of a float column."""

    name = "Quartiles"
    template = "percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = JSONField()

    def convert_value(self, value, expression, connection):
        return list(value) if value is not None else None

    def get_db_converters(self, connection):
        return [self.convert_value]


def database_has_quantiles() -> bool:
    return connection.vendor == "postgresql"


def interpolated(ordered: list[float], share: float) -> float:
    """percentile_cont: linear interpolation between the two nearest ranks."""
    position = share * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def median_money(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    lower, upper = ordered[(len(ordered) - 1) // 2], ordered[middle]
    return (lower + upper) / 2


def quartiles_in_python(values: list[float]) -> list[float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return [interpolated(ordered, share) for share in (0.25, 0.5, 0.75)]


def money(value) -> Decimal | None:
    """To the cent, half a cent rounded up (kaufmännisch), as a committee reader expects; the
    median of two amounts may end in half a cent."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def days(value) -> float | None:
    return None if value is None else round(float(value), 1)


FLOAT = FloatField()
