"""The case sections of a committee report: cases opened and closed, life areas with a need,
districts, age band by gender, and the time from first contact to first conversation.

Every section is one or two GROUP BY queries over the cases of the scope (Case.owner_agency)
opened (or closed) in the period; nothing loops over cases in Python."""

from __future__ import annotations

from django.db.models import Count, DurationField, ExpressionWrapper, F, FloatField, Func, Q
from django.db.models.functions import TruncMonth, TruncQuarter

from cases.demographics import AgeBand, Gender
from cases.models import Case
from casework.life_areas import LifeArea, Need
from casework.models import Intake, LifeAreaStatus

from ..periods import Period, as_date
from ..stats import Quartiles, database_has_quantiles, days, quartiles_in_python
from ..tables import COUNT, DAYS, RawRow, RawTable

NOT_RECORDED = "-"  # the row or column of cases where the field was not recorded


def cases_in(scope, period: Period):
    """Cases of the scope (an agency, or None for the whole city) opened in the period."""
    cases = Case.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    return cases.filter(owner_agency=scope) if scope is not None else cases


def _closed_in(scope, period: Period):
    cases = Case.objects.filter(closed_at__gte=period.start, closed_at__lt=period.end)
    return cases.filter(owner_agency=scope) if scope is not None else cases


def opened_and_closed(scope, period: Period) -> RawTable:
    trunc = TruncQuarter if period.by_quarter else TruncMonth
    opened = cases_in(scope, period).annotate(bucket=trunc("created_at")).values("bucket").annotate(n=Count("id"))
    closed = _closed_in(scope, period).annotate(bucket=trunc("closed_at")).values("bucket").annotate(n=Count("id"))
    counts = {bucket: {"opened": 0, "closed": 0} for bucket in period.buckets()}
    for column, groups in (("opened", opened.order_by()), ("closed", closed.order_by())):
        for group in groups:
            counts.setdefault(as_date(group["bucket"]), {"opened": 0, "closed": 0})[column] += group["n"]
    rows = [RawRow(key=bucket.isoformat(), values=values) for bucket, values in sorted(counts.items())]
    return RawTable(
        key="cases",
        columns=[("opened", COUNT), ("closed", COUNT)],
        rows=rows,
        extra={"by_quarter": period.by_quarter},
    )


def life_areas(scope, period: Period) -> RawTable:
    """Per life area: the cases opened in the period with a need recorded (support needed or
    urgent). LifeAreaStatus holds the need as it stands now (the first conversation records it,
    later work updates it), so the report says so rather than "found in the first conversation".
    One case may have needs in several areas, so there is no total row (the rows overlap); in
    each row, support + urgent = cases with a need."""
    statuses = LifeAreaStatus.objects.filter(
        case__in=cases_in(scope, period), need__in=(Need.SUPPORT, Need.URGENT)
    ).order_by()
    groups = statuses.values("area").annotate(
        support=Count("id", filter=Q(need=Need.SUPPORT)), urgent=Count("id", filter=Q(need=Need.URGENT))
    )
    found = {group["area"]: group for group in groups}
    rows = [
        RawRow(
            key=area,
            values={
                "with_need": found[area]["support"] + found[area]["urgent"],
                "support": found[area]["support"],
                "urgent": found[area]["urgent"],
            },
        )
        for area in LifeArea.values
        if area in found
    ]
    return RawTable(
        key="life_areas",
        columns=[("with_need", COUNT), ("support", COUNT), ("urgent", COUNT)],
        rows=rows,
        row_total=("with_need", ("support", "urgent")),
        column_totals=False,
    )


def districts(scope, period: Period) -> RawTable:
    groups = cases_in(scope, period).values("district_id", "district__name").annotate(n=Count("id")).order_by()
    named = sorted(
        (group for group in groups if group["district_id"] is not None), key=lambda group: group["district__name"]
    )
    rows = [
        RawRow(key=str(group["district_id"]), name=group["district__name"], values={"opened": group["n"]})
        for group in named
    ]
    missing = sum(group["n"] for group in groups if group["district_id"] is None)
    if missing:
        rows.append(RawRow(key=NOT_RECORDED, values={"opened": missing}))
    return RawTable(key="districts", columns=[("opened", COUNT)], rows=rows)


GENDER_COLUMNS = [*Gender.values, NOT_RECORDED]


def age_and_gender(scope, period: Period) -> RawTable:
    """Age band at opening (Case.age_band) by gender as the person stated it (Person.gender);
    "not recorded" is a row and a column of its own."""
    groups = cases_in(scope, period).values("age_band", "person__gender").annotate(n=Count("id")).order_by()
    counts: dict[str, dict[str, int]] = {}
    for group in groups:
        band = group["age_band"] or NOT_RECORDED
        gender = group["person__gender"] or NOT_RECORDED
        counts.setdefault(band, dict.fromkeys(["all", *GENDER_COLUMNS], 0))
        counts[band][gender] += group["n"]
        counts[band]["all"] += group["n"]
    rows = [RawRow(key=band, values=counts[band]) for band in [*AgeBand.values, NOT_RECORDED] if band in counts]
    return RawTable(
        key="age_gender",
        columns=[("all", COUNT), *((gender, COUNT) for gender in GENDER_COLUMNS)],
        rows=rows,
        row_total=("all", tuple(GENDER_COLUMNS)),
    )


class _Seconds(Func):
    """The length of an interval in seconds (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _waiting_days():
    waited = ExpressionWrapper(F("completed_at") - F("case__created_at"), output_field=DurationField())
    return _Seconds(waited) / 86400.0


def first_conversation(scope, period: Period) -> RawTable:
    """From first contact (the case was opened) to the first conversation (the intake was
    completed), in days, for the cases opened in the period whose intake is completed."""
    intakes = Intake.objects.filter(case__in=cases_in(scope, period), status=Intake.Status.COMPLETED).order_by()
    if database_has_quantiles():
        figures = intakes.aggregate(n=Count("id"), quartiles=Quartiles(_waiting_days()))
        n, quartiles = figures["n"], figures["quartiles"]
    else:
        waits = [
            (completed - created).total_seconds() / 86400
            for created, completed in intakes.values_list("case__created_at", "completed_at")
        ]
        n, quartiles = len(waits), quartiles_in_python(waits)
    quartiles = quartiles or [None, None, None]
    values = {"cases": n, "q1": days(quartiles[0]), "median": days(quartiles[1]), "q3": days(quartiles[2])}
    return RawTable(
        key="first_conversation",
        columns=[("cases", COUNT), ("q1", DAYS), ("median", DAYS), ("q3", DAYS)],
        rows=[RawRow(key="all", values=values)],
        depends={"q1": "cases", "median": "cases", "q3": "cases"},
        column_totals=False,
    )
