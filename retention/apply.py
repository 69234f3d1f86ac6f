"""Planning and carrying out the anonymisation of a batch of cases: which kinds are due, then
one bulk step per kind, the marks that keep it from happening twice, and the persons whose every
case is now anonymised. Shared by the daily job and by erasure on request."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from cases.models import Case, Person

from . import erase, finance
from .kinds import CASE_FILE, CASE_PARTS, NOTE_KINDS, PERSON, RecordKind
from .models import CaseRetention, Erasure
from .periods import Period, case_dues

_PART_STEPS = {
    RecordKind.INTAKE: erase.intake,
    RecordKind.DOCUMENTS: erase.documents,
    RecordKind.REFERRALS: erase.referrals,
    RecordKind.CONFERENCES: erase.conferences,
    **{kind: (lambda ids, category=category: erase.notes(ids, category)) for category, kind in NOTE_KINDS.items()},
}


@dataclass
class Plan:
    """What to do for a batch: case ids per kind, payment ids, and the cases that are finished
    once it is done."""

    kinds: dict[str, set[int]] = field(default_factory=dict)
    payment_ids: list[int] = field(default_factory=list)
    complete: set[int] = field(default_factory=set)
    due_payments: Counter = field(default_factory=Counter)  # case id -> payments due

    def add(self, kind: str, case_id: int) -> None:
        self.kinds.setdefault(kind, set()).add(case_id)

    @property
    def case_ids(self) -> set[int]:
        return set().union(*self.kinds.values(), self.due_payments) if self.kinds or self.due_payments else set()


def marks_of(changed_at: dict[int, datetime]) -> dict[int, set[str]]:
    """What is done per case (case id -> when the case last changed). A mark older than the
    case's last change does not count: a case reopened, or given a new note, after it was
    anonymised is anonymised again. The case file's mark stands for all its parts: they go with
    it at the latest, so only parts that went earlier have marks of their own."""
    marks: dict[int, set[str]] = {}
    rows = Erasure.objects.filter(case_id__in=list(changed_at)).values_list("case_id", "kind", "at")
    for case_id, kind, at in rows:
        if changed_at[case_id] is None or at >= changed_at[case_id]:
            marks.setdefault(case_id, set()).add(kind)
    for done in marks.values():
        if CASE_FILE in done:
            done.update(CASE_PARTS)
    return marks


def plan_batch(rows: list[dict], *, periods: dict[str, Period], horizon: datetime) -> Plan:
    """rows: the batch's cases (pk, closed_at, owner_agency__kind). Due by `horizon` under
    `periods`; what is marked already is left out. Four queries, whatever the batch size."""
    plan = Plan()
    ids = [row["pk"] for row in rows]
    marks = marks_of({row["pk"]: row["updated_at"] for row in rows})
    payment_rule = periods.get(RecordKind.PAYMENTS)
    remaining_payments: Counter = Counter()
    for payment in finance.payments_of(ids):
        remaining_payments[payment["case_id"]] += 1
        if payment_rule is None or not finance.is_finished(payment):
            continue
        if finance.payment_due(payment["budget_year"], payment_rule.months) <= horizon:
            plan.payment_ids.append(payment["pk"])
            plan.due_payments[payment["case_id"]] += 1
    for row in rows:
        done = marks.get(row["pk"], set())
        dues = case_dues(closed_at=row["closed_at"], agency_kind=row["owner_agency__kind"], periods=periods)
        for kind, due in dues.items():
            if due <= horizon and kind not in done:
                plan.add(kind, row["pk"])
        file_done = CASE_FILE in done or row["pk"] in plan.kinds.get(CASE_FILE, ())
        if file_done and remaining_payments[row["pk"]] == plan.due_payments[row["pk"]]:
            plan.complete.add(row["pk"])
    return plan


def carry_out(plan: Plan, *, now: datetime, payment_actor, run=None, by=None) -> Counter:
    """Anonymise what the plan names, mark it, and anonymise the persons none of whose cases
    keeps a name any more. Rows changed per kind."""
    counts: Counter = Counter()
    for kind, step in _PART_STEPS.items():
        if plan.kinds.get(kind):
            counts[kind] += step(list(plan.kinds[kind]))
    file_ids = list(plan.kinds.get(CASE_FILE, ()))
    if file_ids:
        counts[CASE_FILE] += erase.case_file(file_ids)
    with_file = set(file_ids)
    marks = [
        Erasure(kind=kind, case_id=case_id, at=now, run=run, by=by)
        for kind, ids in plan.kinds.items()
        for case_id in ids
        if kind == CASE_FILE or case_id not in with_file
    ]
    _forget_stale_marks(plan)
    Erasure.objects.bulk_create(marks, batch_size=2000)
    if plan.payment_ids:
        counts[RecordKind.PAYMENTS] += finance.anonymise(plan.payment_ids, actor=payment_actor)
    if file_ids:
        person_ids = persons_without_names_left(file_ids)
        if person_ids:
            counts[PERSON] += erase.persons(person_ids)
            Erasure.objects.filter(kind=PERSON, person_id__in=person_ids).delete()  # stale marks only
            Erasure.objects.bulk_create(
                [Erasure(kind=PERSON, person_id=pk, at=now, run=run, by=by) for pk in person_ids]
            )
    if plan.complete:
        CaseRetention.objects.bulk_create(
            [CaseRetention(case_id=pk, completed_at=now) for pk in plan.complete],
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["completed_at"],
        )
    return counts


def _forget_stale_marks(plan: Plan) -> None:
    """Marks of planned (case, kind) pairs can only be stale ones (marks_of): remove them, in
    one statement, before the new marks go in."""
    stale = Q()
    for kind, ids in plan.kinds.items():
        stale |= Q(kind=kind, case_id__in=list(ids))
    if stale:
        Erasure.objects.filter(stale).delete()


def persons_without_names_left(case_ids) -> list[int]:
    """The persons of these cases whose every case has its case file anonymised (a case on
    hold, or one still running at another agency, keeps its person as it is)."""
    file_marked = Erasure.objects.filter(kind=CASE_FILE, case_id=OuterRef("pk"))
    unanonymised_case = Case.objects.filter(person_id=OuterRef("pk")).exclude(Exists(file_marked))
    # A person changed after the mark (a name revealed again) is anonymised again.
    done = Erasure.objects.filter(kind=PERSON, person_id=OuterRef("pk"), at__gte=OuterRef("updated_at"))
    return list(
        Person.objects.filter(pk__in=Case.objects.filter(pk__in=case_ids).values("person_id"))
        .exclude(Exists(unanonymised_case))
        .exclude(Exists(done))
        .values_list("pk", flat=True)
    )
