"""Reads of retention: the rules page, the review page, a case's holds."""

from __future__ import annotations

from django.conf import settings

from cases.models import Case

from .kinds import RecordKind
from .models import LegalHold, RetentionRule, RetentionRun

RUNS_SHOWN = 10
HOLDS_SHOWN = 200


def rules_for_page() -> list[RetentionRule]:
    order = {kind: index for index, kind in enumerate(RecordKind.values)}
    rules = RetentionRule.objects.select_related("confirmed_by", "changed_by")
    return sorted(rules, key=lambda rule: order.get(rule.record_kind, len(order)))


def access_log_years() -> int:
    """The access log's own rule (audit.retention), shown read-only beside the others."""
    return settings.ACCESS_LOG_RETENTION_YEARS


def latest_preview_run() -> RetentionRun | None:
    return RetentionRun.objects.exclude(preview={}).order_by("-pk").first()


def recent_runs() -> list[RetentionRun]:
    return list(RetentionRun.objects.order_by("-pk")[:RUNS_SHOWN])


def active_holds() -> list[LegalHold]:
    return list(LegalHold.objects.active().select_related("case", "set_by").order_by("-set_at")[:HOLDS_SHOWN])


def holds_of(case_id: int) -> list[LegalHold]:
    return list(LegalHold.objects.filter(case_id=case_id).select_related("set_by", "lifted_by").order_by("-set_at"))


def case_by_reference(reference: str) -> Case | None:
    """The case the data-protection officer names by its number (no content is read)."""
    return Case.objects.filter(reference=reference.strip()).first()
