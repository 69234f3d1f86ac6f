"""The help sections of a committee report: referrals by category of offer and outcome,
financial help by kind, purpose and fund, conferences held and consultation-hour contacts.
Each is one GROUP BY query (plus one for the totals of money)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter

from conferences.models import Conference
from consultations.models import ConsultationContact
from consultations.vocabulary import Topic
from payments.models import Kind, Payment, Purpose
from payments.models import Status as PaymentStatus
from referrals.models.referral import OPEN_STATES, Outcome, Referral
from referrals.vocabulary import Category

from ..periods import Period, as_date
from ..stats import MedianMoney, database_has_quantiles, median_money, money
from ..tables import COUNT, MONEY, RawRow, RawTable

OPEN = "open"  # a referral still running: no outcome yet
ENDED = "ended"  # withdrawn by the sender or expired unanswered: ended, but without an outcome
OUTCOME_COLUMNS = [*Outcome.values, ENDED, OPEN]


def _outcome_column(outcome: str, status: str) -> str:
    """The column of a referral: its outcome; without one, still open or ended (a withdrawn or
    expired referral records no outcome, and it is not open any more)."""
    if outcome:
        return outcome
    return OPEN if status in OPEN_STATES else ENDED


def referrals(scope, period: Period) -> RawTable:
    """Referrals sent in the period by the scope's agencies, by the category of the offer and
    the outcome (ended: withdrawn or expired without an outcome; open: still running)."""
    sent = Referral.objects.filter(sent_at__gte=period.start, sent_at__lt=period.end)
    if scope is not None:
        sent = sent.filter(referring_agency=scope)
    groups = sent.values("offer__category", "outcome", "status").annotate(n=Count("id")).order_by()
    counts: dict[str, dict[str, int]] = {}
    for group in groups:
        row = counts.setdefault(group["offer__category"], dict.fromkeys(["all", *OUTCOME_COLUMNS], 0))
        row[_outcome_column(group["outcome"], group["status"])] += group["n"]
        row["all"] += group["n"]
    rows = [RawRow(key=category, values=counts[category]) for category in Category.values if category in counts]
    return RawTable(
        key="referrals",
        columns=[("all", COUNT), *((outcome, COUNT) for outcome in OUTCOME_COLUMNS)],
        rows=rows,
        row_total=("all", tuple(OUTCOME_COLUMNS)),
    )


def paid_in(scope, period: Period):
    """What counts as financial help given: payments paid (booked as paid by the cash desk or
    bank, Payment.Status.PAID) with their day of payment in the period, from the scope's funds.
    Requested, approved, exported-but-unbooked and reversed payments do not count."""
    payments = Payment.objects.filter(status=PaymentStatus.PAID, paid_on__gte=period.first, paid_on__lte=period.last)
    return payments.filter(fund__agency=scope) if scope is not None else payments


def _money_groups(payments, fields: list[str]) -> list[dict]:
    if database_has_quantiles():
        return list(
            payments.values(*fields)
            .annotate(n=Count("id"), total=Sum("amount"), median=MedianMoney("amount"))
            .order_by()
        )
    # SQLite (the demo): the amounts of the period are few; the same median in Python.
    groups: dict[tuple, list[Decimal]] = {}
    for row in payments.values_list(*fields, "amount"):
        groups.setdefault(tuple(row[:-1]), []).append(row[-1])
    return [
        {
            **dict(zip(fields, key, strict=True)),
            "n": len(amounts),
            "total": sum(amounts),
            "median": median_money(amounts),
        }
        for key, amounts in groups.items()
    ]


def _payment_table(key: str, groups: list[dict], order: list[str], names: dict[str, str], overall: dict) -> RawTable:
    found = {group["key"]: group for group in groups}
    rows = [
        RawRow(
            key=str(code),
            name=names.get(code, ""),
            values={
                "payments": found[code]["n"],
                "sum": money(found[code]["total"]),
                "median": money(found[code]["median"]),
            },
        )
        for code in order
        if code in found
    ]
    return RawTable(
        key=key,
        columns=[("payments", COUNT), ("sum", MONEY), ("median", MONEY)],
        rows=rows,
        depends={"sum": "payments", "median": "payments"},
        total_values={"sum": money(overall.get("total")), "median": money(overall.get("median"))},
    )


def payments(scope, period: Period) -> list[RawTable]:
    """Three tables of the same payments: by kind, by purpose, by fund (count, sum, median)."""
    paid = paid_in(scope, period)
    overall = _overall(paid)
    by_kind = [{**g, "key": g["kind"]} for g in _money_groups(paid, ["kind"])]
    by_purpose = [{**g, "key": g["purpose"]} for g in _money_groups(paid, ["purpose"])]
    by_fund = [{**g, "key": g["fund_id"]} for g in _money_groups(paid, ["fund_id", "fund__name"])]
    fund_names = {g["fund_id"]: g["fund__name"] for g in by_fund}
    funds = sorted(fund_names, key=lambda fund_id: (fund_names[fund_id], fund_id))
    return [
        _payment_table("payments_kind", by_kind, Kind.values, {}, overall),
        _payment_table("payments_purpose", by_purpose, Purpose.values, {}, overall),
        _payment_table("payments_fund", by_fund, funds, fund_names, overall),
    ]


def _overall(paid) -> dict:
    if database_has_quantiles():
        return paid.aggregate(total=Sum("amount"), median=MedianMoney("amount"))
    amounts = list(paid.values_list("amount", flat=True))
    return {"total": sum(amounts) if amounts else None, "median": median_money(amounts)}


def conferences(scope, period: Period) -> RawTable:
    """Case conferences held (status held) that began in the period, convened by the scope."""
    held = Conference.objects.filter(
        status=Conference.Status.HELD, starts_at__gte=period.start, starts_at__lt=period.end
    )
    if scope is not None:
        held = held.filter(convening_agency=scope)
    trunc = TruncQuarter if period.by_quarter else TruncMonth
    groups = held.annotate(bucket=trunc("starts_at")).values("bucket").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(period.buckets(), 0)
    for group in groups:
        counts[as_date(group["bucket"])] = counts.get(as_date(group["bucket"]), 0) + group["n"]
    rows = [RawRow(key=bucket.isoformat(), values={"held": n}) for bucket, n in sorted(counts.items())]
    return RawTable(key="conferences", columns=[("held", COUNT)], rows=rows, extra={"by_quarter": period.by_quarter})


def consultations(scope, period: Period) -> RawTable:
    """Consultation-hour contacts in the period by topic: first contacts and repeats (the same
    counting as the uptake report, consultations.uptake, for the scope and the whole period)."""
    contacts = ConsultationContact.objects.filter(date__gte=period.first, date__lte=period.last)
    if scope is not None:
        contacts = contacts.filter(agency=scope)
    groups = contacts.values("topic").annotate(
        contacts=Count("id"),
        first=Count("id", filter=Q(first_contact=True)),
        repeat=Count("id", filter=Q(first_contact=False)),
    )
    found = {group["topic"]: group for group in groups.order_by()}
    rows = [
        RawRow(key=topic, values={k: found[topic][k] for k in ("contacts", "first", "repeat")})
        for topic in Topic.values
        if topic in found
    ]
    return RawTable(
        key="consultations",
        columns=[("contacts", COUNT), ("first", COUNT), ("repeat", COUNT)],
        rows=rows,
        row_total=("contacts", ("first", "repeat")),
    )
