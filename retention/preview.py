"""The preview: what becomes due within the next month, per kind of record, and which case
numbers (no content) — under every rule, confirmed or not, so the data-protection officer and
the administrator see what confirming a rule would do. It changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from consultations.models import ConsultationContact

from .apply import plan_batch
from .kinds import PERSON, RecordKind
from .periods import add_months, periods_from, subtract_months

PREVIEW_MONTHS = 1
# The preview names at most this many case numbers (the counts are always complete).
PREVIEW_CASE_LIMIT = 2000
_BATCH = 2000


def build_preview(*, rules, as_of: datetime) -> dict:
    from .job import candidates

    periods = periods_from(rules, confirmed_only=False)
    confirmed = {rule.record_kind for rule in rules if rule.is_confirmed}
    horizon = add_months(as_of, PREVIEW_MONTHS)
    kinds: Counter = Counter()
    references: list[str] = []
    case_ids: list[int] = []
    total_cases = 0
    after = 0
    while True:
        rows = candidates(periods=periods, as_of=horizon, after=after, limit=_BATCH)
        if not rows:
            break
        plan = plan_batch(rows, periods=periods, horizon=horizon)
        for kind, ids in plan.kinds.items():
            kinds[kind] += len(ids)
        kinds[RecordKind.PAYMENTS] += len(plan.payment_ids)
        due = plan.case_ids
        total_cases += len(due)
        listed = [row for row in rows if row["pk"] in due][: PREVIEW_CASE_LIMIT - len(references)]
        references += [row["reference"] for row in listed]
        case_ids += [row["pk"] for row in listed]
        after = rows[-1]["pk"]
    consultations = periods.get(RecordKind.CONSULTATIONS)
    if consultations is not None:
        before = subtract_months(horizon, consultations.months).date()
        kinds[RecordKind.CONSULTATIONS] = ConsultationContact.objects.filter(
            date__lt=before, case__isnull=False
        ).count()
    kinds.pop(PERSON, None)
    return {
        "as_of": as_of.isoformat(),
        "until": horizon.isoformat(),
        "kinds": {kind: {"count": n, "confirmed": _confirmed(kind, confirmed)} for kind, n in kinds.items() if n},
        "cases": references,
        "case_ids": case_ids,
        "cases_total": total_cases,
    }


def _confirmed(kind: str, confirmed: set[str]) -> bool:
    # The case file stands for the case-file rules of all agency kinds: "confirmed" only if all are.
    if kind == "case_file":
        return all(k in confirmed for k in RecordKind.values if k.startswith("case_"))
    return kind in confirmed
