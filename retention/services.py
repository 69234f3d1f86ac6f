"""Writes of retention: erasure on request, the rules, legal holds. Each takes its actor, runs
in one transaction and is logged. The callers decide access (access.decide); these functions
check only what the data itself must satisfy."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import events
from access.decide import may
from access.rules import Action
from cases.models import Case, Person

from . import erase, finance, job
from .apply import Plan, carry_out, marks_of
from .kinds import CASE_FILE, CASE_PARTS, PERSON, RecordKind
from .models import Erasure, LegalHold, RetentionRule

REASON_MAX = 300
# The access log names the hold, not its reason: the log's purposes reach the person's Art. 15
# copy (privacy.assembly_log), where a reason such as an investigation must not appear; the
# reason stays on the hold, for the officer and the case's team lead.
HOLD_SET, HOLD_LIFTED = "legal hold set", "legal hold lifted"
SECOND_ADMINISTRATOR = gettext_lazy(
    "A changed period is confirmed by a second administrator: save the change without confirming it, "
    "then ask a colleague to confirm it."
)


@transaction.atomic
def erase_person(*, actor, person: Person, reason: str) -> dict:
    """Erase a person's data now, on a decided request under Art. 17 GDPR: the same
    anonymisation as the daily job, for every case of the person and the person's master data,
    regardless of periods and of whether the rules are confirmed. Two things stay:

    - cases under a legal hold, with everything hanging off them (and then the person's name,
      since a held case still refers to it);
    - payments whose budget-law period is not over, or whose money is still moving (open
      request, loan being repaid, advance being claimed): Art. 17 Abs. 3 lit. b GDPR.

    The caller (privacy/, after the data-protection officer decided the request) has checked
    access. Returns counts per kind of record and what was kept and why:
    {"erased": {kind: rows}, "kept": [{"kind", "count", "reason", "cases"}],
     "person_anonymised": bool, "cases": n}. Logged as "erase" on the person and the cases."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give the reason for the erasure.")})
    _claim_for_erasure()
    person = Person.objects.select_for_update().get(pk=person.pk)
    cases = list(Case.objects.filter(person=person).order_by("pk").values("pk", "reference", "updated_at"))
    held_ids = set(LegalHold.objects.active().filter(case__person=person).values_list("case_id", flat=True))
    targets = [c["pk"] for c in cases if c["pk"] not in held_ids]
    plan = Plan()
    marks = marks_of({c["pk"]: c["updated_at"] for c in cases if c["pk"] in targets})
    for case_id in targets:
        for kind in (CASE_FILE, *CASE_PARTS):
            if kind not in marks.get(case_id, set()):
                plan.add(kind, case_id)
    kept, payment_ids = _payments_to_keep(targets, reason_now=timezone.now())
    plan.payment_ids = payment_ids
    now = timezone.now()
    counts: Counter = carry_out(plan, now=now, payment_actor=actor, by=actor)
    if not held_ids and not counts.get(PERSON) and not _already_anonymised(person):
        # A person without any case (registered, never helped) has no case file to follow.
        counts[PERSON] += _erase_person_row(person, now=now, by=actor)
    if held_ids:
        kept.append(
            {
                "kind": "legal_hold",
                "count": len(held_ids),
                "reason": _("A legal hold is set on these cases; nothing of them was changed."),
                "cases": [c["reference"] for c in cases if c["pk"] in held_ids],
            }
        )
    events.report(
        actor=actor,
        action="erase",
        object_type="person",
        object_ids=[person.pk],
        person_ids=[person.pk],
        case_ids=targets,
        purpose=f"Art. 17 DSGVO: {reason.strip()}"[:REASON_MAX],
    )
    anonymised = counts.get(PERSON, 0) > 0 or _already_anonymised(person)
    return {
        "erased": {str(kind): n for kind, n in counts.items() if n},
        "kept": kept,
        "person_anonymised": anonymised,
        "cases": len(targets),
    }


def _claim_for_erasure() -> None:
    try:
        job.claim_for_erasure()
    except job.RetentionBusy:
        raise ValidationError(
            _("The retention job is running right now. Please decide again in a few minutes.")
        ) from None


def _erase_person_row(person: Person, *, now, by) -> int:
    changed = erase.persons([person.pk])
    # A mark older than the person's last change (rectified after an earlier erasure) is stale:
    # replace it, else the one-mark-per-person constraint fails the second erasure.
    Erasure.objects.filter(kind=PERSON, person=person).delete()
    Erasure.objects.create(kind=PERSON, person=person, at=now, by=by)
    return changed


def _already_anonymised(person: Person) -> bool:
    person.refresh_from_db(fields=["updated_at"])
    return Erasure.objects.filter(kind=PERSON, person=person, at__gte=person.updated_at).exists()


def _payments_to_keep(case_ids, *, reason_now) -> tuple[list[dict], list[int]]:
    """Which payments of these cases may go now (finished, budget-law period over) and which
    stay, grouped by why."""
    rule = RetentionRule.objects.filter(record_kind=RecordKind.PAYMENTS).first()
    months = rule.total_months if rule else 120
    erasable, open_money, by_law = [], [], []
    references = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    for row in finance.payments_of(case_ids):
        if not finance.is_finished(row):
            open_money.append(row)
        elif finance.payment_due(row["budget_year"], months) > reason_now:
            by_law.append(row)
        else:
            erasable.append(row["pk"])
    kept = []
    if by_law:
        last = max(finance.payment_due(r["budget_year"], months) for r in by_law)
        kept.append(
            {
                "kind": RecordKind.PAYMENTS.value,
                "count": len(by_law),
                "reason": _(
                    "Budget law requires keeping financial records (%(rule)s); they are anonymised by %(date)s."
                )
                % {"rule": rule.legal_basis if rule else "", "date": f"{last:%d.%m.%Y}"},
                "cases": sorted({references[r["case_id"]] for r in by_law}),
            }
        )
    if open_money:
        kept.append(
            {
                "kind": RecordKind.PAYMENTS.value,
                "count": len(open_money),
                "reason": _("The payment is not finished (open request, loan being repaid or advance being claimed)."),
                "cases": sorted({references[r["case_id"]] for r in open_money}),
            }
        )
    return kept, erasable


def _reason(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("Please give a reason.")})
    if len(text) > REASON_MAX:
        raise ValidationError({field: _("At most %(max)d characters, please.") % {"max": REASON_MAX}})
    return text


@transaction.atomic
def legal_hold_set(
    *, actor, case: Case, reason: str, agency_id: int | None = None, by_officer: bool = False
) -> LegalHold:
    """Stop retention and erasure for this case until the hold is lifted. A hold the
    data-protection officer sets (`by_officer`, from the review page) only the officer lifts."""
    text = _reason(reason, "reason")
    Case.objects.select_for_update().filter(pk=case.pk).first()
    if LegalHold.objects.active().filter(case_id=case.pk).exists():
        raise ValidationError({"reason": _("A legal hold is already set on this case.")})
    hold = LegalHold.objects.create(case_id=case.pk, set_by=actor, reason=text, by_officer=by_officer)
    events.report(
        actor=actor,
        action="create",
        object_type="legal_hold",
        object_ids=[hold.pk],
        case_ids=[case.pk],
        purpose=HOLD_SET,
        agency_id=agency_id,
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, case: Case, reason: str, agency_id: int | None = None) -> LegalHold:
    text = _reason(reason, "lift_reason")
    hold = LegalHold.objects.active().select_for_update().filter(case_id=case.pk).first()
    if hold is None:
        raise ValidationError({"lift_reason": _("No legal hold is set on this case.")})
    if hold.by_officer and may(actor, Action.RETENTION_REVIEW) is None:
        # The officer's hold (e.g. for an inquiry) is not the case team's to end.
        raise ValidationError(
            {"lift_reason": _("The data-protection officer set this hold; only the data-protection officer lifts it.")}
        )
    hold.lifted_by, hold.lifted_at, hold.lift_reason = actor, timezone.now(), text
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    events.report(
        actor=actor,
        action="change",
        object_type="legal_hold",
        object_ids=[hold.pk],
        case_ids=[case.pk],
        purpose=HOLD_LIFTED,
        agency_id=agency_id,
    )
    return hold


@transaction.atomic
def rule_change(
    *, actor, rule: RetentionRule, years: int, months: int, legal_basis: str, confirm: bool
) -> RetentionRule:
    """Change a rule's period or basis and/or confirm it. A change of the period or basis
    withdraws an earlier confirmation unless it is confirmed again in the same step."""
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if years * 12 + months <= 0:
        raise ValidationError({"years": _("The period must be longer than zero.")})
    if months >= 12:
        raise ValidationError({"months": _("Please give at most 11 months; count whole years as years.")})
    if not (legal_basis or "").strip():
        raise ValidationError({"legal_basis": _("Please name the rule this period rests on.")})
    changed = (rule.years, rule.months, rule.legal_basis) != (years, months, legal_basis.strip())
    if confirm and (changed or (rule.changed_by_id is not None and rule.changed_by_id == actor.pk)):
        # Four eyes: whoever changes a period (say, shortens it to erase a file now) never
        # confirms it; a second administrator does. A shipped proposal needs one confirmation.
        raise ValidationError({"confirm": SECOND_ADMINISTRATOR})
    now = timezone.now()
    rule.years, rule.months, rule.legal_basis = years, months, legal_basis.strip()
    if changed:
        rule.changed_by, rule.changed_at = actor, now
        rule.confirmed_by, rule.confirmed_at = None, None
    if confirm:
        rule.confirmed_by, rule.confirmed_at = actor, now
    rule.save()
    events.report(
        actor=actor,
        action="change",
        object_type="retention_rule",
        object_ids=[rule.pk],
        purpose=f"{rule.record_kind}: {years}y {months}m{' confirmed' if rule.is_confirmed else ''}"[:REASON_MAX],
    )
    return rule
