"""The daily retention job: a preview of what goes within the next month (for the
data-protection officer), then the real run over the confirmed rules, in batches.

Resumable: each batch is one transaction that anonymises, writes its marks, logs, and moves the
run's cursor; a crash rolls back only the batch it hit. The next start continues the unfinished
run after its cursor, and the marks make every step idempotent even when a batch is repeated.
Only one run works at a time (a PostgreSQL advisory lock)."""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from access import events
from audit import context
from cases.models import Case

from . import erase
from .apply import carry_out, plan_batch
from .kinds import RecordKind
from .models import CaseRetention, LegalHold, RetentionRule, RetentionRun
from .periods import Period, periods_from, shortest_case_period, subtract_months
from .preview import build_preview

logger = logging.getLogger("notlagen.retention")

_LOCK_KEY = 0x4E4C5254  # "NLRT": one retention run at a time, across all workers
BATCH_SIZE = getattr(settings, "RETENTION_BATCH_SIZE", 500)


class RetentionBusy(Exception):
    """Another worker is running the job right now."""


def candidates(*, periods: dict[str, Period], as_of: datetime, after: int, limit: int) -> list[dict]:
    """The next closed cases (by id) that may have something due: closed at least the shortest
    period ago, not finished with, not on hold."""
    shortest = shortest_case_period(periods)
    if shortest is None:
        return []
    held = LegalHold.objects.active().filter(case_id=OuterRef("pk"))
    finished = CaseRetention.objects.filter(case_id=OuterRef("pk"), completed_at__gte=OuterRef("updated_at"))
    return list(
        Case.objects.filter(status=Case.Status.CLOSED, closed_at__lte=subtract_months(as_of, shortest), pk__gt=after)
        .exclude(Exists(held))
        .exclude(Exists(finished))
        .order_by("pk")
        .values("pk", "reference", "person_id", "closed_at", "updated_at", "owner_agency__kind")[:limit]
    )


@contextmanager
def _job_channel():
    """Log as a job even when called outside Celery (a command, a test, the benchmark)."""
    if context.current().channel == "job":
        yield
        return
    with context.collected(context.AccessContext(channel="job")):
        yield


@contextmanager
def _exclusive():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise RetentionBusy
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


def claim_for_erasure() -> None:
    """An erasure on request takes the job's lock for its own transaction, so the two never
    plan the same case at the same moment (the second would fail on the marks' unique
    constraint with a server error). Raises RetentionBusy while a run works."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise RetentionBusy


def _run_to_continue() -> RetentionRun:
    unfinished = RetentionRun.objects.exclude(state=RetentionRun.State.DONE).order_by("-pk").first()
    if unfinished is not None:
        RetentionRun.objects.filter(pk=unfinished.pk).update(state=RetentionRun.State.RUNNING, error="")
        unfinished.refresh_from_db()
        return unfinished
    return RetentionRun.objects.create(as_of=timezone.now())


def run(*, batch_size: int | None = None, fail_in_batch: int | None = None) -> RetentionRun:
    """Preview, then the real run; continues an unfinished run. `fail_in_batch` (tests only)
    raises inside that batch, after its changes, to prove a crash leaves nothing half done."""
    with _job_channel(), _exclusive():
        current = _run_to_continue()
        rules = list(RetentionRule.objects.select_related("confirmed_by"))
        if not current.preview:
            current.preview = build_preview(rules=rules, as_of=current.as_of)
            current.save(update_fields=["preview"])
        try:
            _real_run(current, rules, batch_size or BATCH_SIZE, fail_in_batch)
        except Exception as error:
            RetentionRun.objects.filter(pk=current.pk).update(
                state=RetentionRun.State.FAILED, error=f"{type(error).__name__}: {error}"[:300]
            )
            logger.exception("retention run %s interrupted", current.pk)
            raise
        current.refresh_from_db()
        return current


def _real_run(current: RetentionRun, rules, batch_size: int, fail_in_batch: int | None) -> None:
    periods = periods_from(rules, confirmed_only=True)
    # The journal entries of anonymised payments are signed by the administrator who confirmed
    # the payments rule: the decision that carries them out.
    payment_rule = next((r for r in rules if r.record_kind == RecordKind.PAYMENTS and r.is_confirmed), None)
    payment_actor = payment_rule.confirmed_by if payment_rule else None
    if payment_actor is None:
        periods.pop(RecordKind.PAYMENTS, None)
    while True:
        with transaction.atomic():
            locked = RetentionRun.objects.select_for_update().get(pk=current.pk)
            rows = candidates(periods=periods, as_of=locked.as_of, after=locked.cursor, limit=batch_size)
            if not rows:
                break
            counts = _batch(locked, rows, periods, payment_actor)
            locked.batches += 1
            if fail_in_batch is not None and locked.batches == fail_in_batch:
                raise RuntimeError(f"simulated crash in batch {fail_in_batch}")
            locked.cursor = rows[-1]["pk"]
            locked.counts = dict(Counter(locked.counts) + counts)  # Counter addition drops zeros
            locked.save(update_fields=["cursor", "batches", "counts"])
    _finish(current, periods)


def _batch(current: RetentionRun, rows: list[dict], periods, payment_actor) -> Counter:
    plan = plan_batch(rows, periods=periods, horizon=current.as_of)
    counts = carry_out(plan, now=timezone.now(), payment_actor=payment_actor, run=current)
    due = plan.case_ids
    touched = sorted(due)
    if touched:
        events.report(
            actor=None,
            action="anonymise",
            object_type="retention_run",
            object_ids=[current.pk],
            case_ids=touched,
            person_ids=[row["person_id"] for row in rows if row["pk"] in due],
            purpose=_summary(counts),
        )
    counts["cases"] = len(touched)
    return counts


def _finish(current: RetentionRun, periods) -> None:
    with transaction.atomic():
        locked = RetentionRun.objects.select_for_update().get(pk=current.pk)
        counts = Counter(locked.counts)
        rule = periods.get(RecordKind.CONSULTATIONS)
        if rule is not None:
            counts[RecordKind.CONSULTATIONS] += erase.consultation_contacts(
                subtract_months(locked.as_of, rule.months).date()
            )
        locked.counts = {kind: n for kind, n in counts.items() if n}
        locked.state = RetentionRun.State.DONE
        locked.finished_at = timezone.now()
        locked.save(update_fields=["counts", "state", "finished_at"])
        events.report(
            actor=None,
            action="retention",
            object_type="retention_run",
            object_ids=[locked.pk],
            purpose=_summary(counts) or "nothing due",
        )


def _summary(counts) -> str:
    return ", ".join(f"{kind}={n}" for kind, n in sorted(counts.items()) if n)[:300]
