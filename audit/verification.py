"""Verifying the access log: the hash chain over the entries, the seals' keys, and the seals
against their record outside the database. The result names what was found and where, in the
auditor's language; it is kept for the auditors' workspace, and a failed check alerts them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import anchors, keys
from .models import AccessLogChain, AccessLogEntry, AccessLogSeal, Verification
from .sealing import link

# A seal newer than this may not have reached the file yet (it is written after its commit).
ANCHOR_GRACE = timedelta(minutes=5)

FINDINGS = {
    "entry_changed": _("Entry %(entry)s was changed after it was sealed."),
    "entry_removed": _("Entry %(entry)s was removed."),
    "entry_inserted": _("Entry %(entry)s was inserted out of order."),
    "chain_broken": _("The seal of entries %(first)s–%(last)s does not continue the chain."),
    "seal_mismatch": _("The seal of entries %(first)s–%(last)s does not match its entries."),
    "seal_forged": _("The seal of entries %(first)s–%(last)s is not authenticated by a known key."),
    "seal_missing": _(
        "The seal of entries %(first)s–%(last)s, recorded outside the database, is missing from it: "
        "entries were cut off."
    ),
    "seal_rewritten": _(
        "The seal of entries %(first)s–%(last)s differs from its record outside the database: the chain was rewritten."
    ),
    "seal_not_anchored": _("The seal of entries %(first)s–%(last)s was never recorded outside the database."),
}


@dataclass
class VerificationResult:
    ok: bool
    entries_checked: int
    code: str = ""
    params: dict = field(default_factory=dict)

    @property
    def entry_id(self) -> int | None:
        return self.params.get("entry") or self.params.get("first")

    @property
    def finding(self) -> str:
        return str(FINDINGS[self.code] % self.params) if self.code else ""


def _found(checked: int, code: str, **params) -> VerificationResult:
    return VerificationResult(False, checked, code, params)


def verify(*, first_id: int | None = None, last_id: int | None = None, chunk: int = 10_000) -> VerificationResult:
    """Recompute the chain over the sealed entries (optionally only seals touching a range), in
    one consistent snapshot so a concurrent retention run cannot look like tampering; then check
    the seals against the record outside the database."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        result = _verify_chain(first_id=first_id, last_id=last_id, chunk=chunk)
        if result.ok and first_id is None and last_id is None:
            result = _verify_anchors(result.entries_checked)
        return result


def _seals(first_id, last_id):
    seals = AccessLogSeal.objects.order_by("first_entry_id")
    if first_id is not None:
        seals = seals.filter(last_entry_id__gte=first_id)
    if last_id is not None:
        seals = seals.filter(first_entry_id__lte=last_id)
    return seals


def _verify_chain(*, first_id, last_id, chunk) -> VerificationResult:
    checked = 0
    expected_previous = None
    seals = _seals(first_id, last_id)
    for seal in seals.iterator():
        where = {"first": seal.first_entry_id, "last": seal.last_entry_id}
        if not keys.seal_mac_ok(seal):
            return _found(checked, "seal_forged", **where)
        if expected_previous is not None and seal.previous_head != expected_previous:
            return _found(checked, "chain_broken", **where)
        head, result = _verify_seal_entries(seal, chunk)
        checked += result.entries_checked
        if not result.ok:
            result.entries_checked = checked
            return result
        if head != seal.head:
            return _found(checked, "seal_mismatch", **where)
        expected_previous = seal.head
    last_sealed = AccessLogSeal.objects.order_by("-last_entry_id").values_list("last_entry_id", flat=True).first()
    if last_sealed is not None and last_id is None:
        # An entry below the sealed horizon without a link was slipped in later.
        first_sealed = seals.values_list("first_entry_id", flat=True).first() or 0
        sneaked = (
            AccessLogEntry.objects.filter(id__gte=first_sealed, id__lte=last_sealed)
            .filter(~Exists(AccessLogChain.objects.filter(entry_id=OuterRef("pk"))))
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        if sneaked is not None:
            return _found(checked, "entry_inserted", entry=sneaked)
    return VerificationResult(True, checked)


def _verify_seal_entries(seal, chunk: int) -> tuple[str, VerificationResult]:
    """Recompute one seal's links; the head reached and what was found."""
    head, checked = seal.previous_head, 0
    cursor_id = seal.first_entry_id - 1
    while cursor_id < seal.last_entry_id:
        links = list(
            AccessLogChain.objects.filter(entry_id__gt=cursor_id, entry_id__lte=seal.last_entry_id).order_by(
                "entry_id"
            )[:chunk]
        )
        if not links:
            break
        ids = [ln.entry_id for ln in links]
        entries = {e.pk: e for e in AccessLogEntry.objects.filter(id__gt=cursor_id, id__lte=ids[-1])}
        for entry_id in sorted(set(entries) - set(ids)):
            return head, _found(checked, "entry_inserted", entry=entry_id)
        for ln in links:
            entry = entries.get(ln.entry_id)
            if entry is None:
                return head, _found(checked, "entry_removed", entry=ln.entry_id)
            head = link(head, entry)
            if head != ln.digest:
                return head, _found(checked, "entry_changed", entry=ln.entry_id)
            checked += 1
        cursor_id = ids[-1]
    return head, VerificationResult(True, checked)


def _verify_anchors(checked: int) -> VerificationResult:
    """Every seal recorded outside must be in the database unchanged (unless retention removed
    it in time); every seal in the database older than the grace must have been recorded."""
    recorded = anchors.recorded()
    if recorded is None:
        return VerificationResult(True, checked)
    in_db = {
        s.last_entry_id: s for s in AccessLogSeal.objects.only("first_entry_id", "last_entry_id", "head", "sealed_at")
    }
    retained_up_to = _retained_up_to()
    for anchor in recorded:
        where = {"first": anchor.first_entry_id, "last": anchor.last_entry_id}
        seal = in_db.get(anchor.last_entry_id)
        if seal is None:
            if anchor.last_entry_id > retained_up_to:
                return _found(checked, "seal_missing", **where)
        elif seal.head != anchor.head or seal.first_entry_id != anchor.first_entry_id:
            return _found(checked, "seal_rewritten", **where)
    anchored = {a.last_entry_id for a in recorded}
    settled = timezone.now() - ANCHOR_GRACE
    for last, seal in sorted(in_db.items()):
        if last not in anchored and seal.sealed_at < settled:
            return _found(checked, "seal_not_anchored", first=seal.first_entry_id, last=last)
    return VerificationResult(True, checked)


def _retained_up_to() -> int:
    """How far retention removed the log, by its own entries inside the verified chain (a
    forged retention entry would break the chain or a seal's MAC)."""
    sealed = Exists(AccessLogChain.objects.filter(entry_id=OuterRef("pk")))
    runs = AccessLogEntry.objects.filter(sealed, action="retention").values_list("object_ids", flat=True)
    return max((ids[0] for ids in runs if ids), default=0)


def run(*, first_id=None, last_id=None, started_by=None, by_name: str = "") -> VerificationResult:
    """Verify and keep the result for the auditors; a finding alerts them through the outbox."""
    record = Verification.objects.create(started_by=started_by, started_by_name=by_name[:150])
    result = verify(first_id=first_id, last_id=last_id)
    Verification.objects.filter(pk=record.pk).update(
        entries_checked=result.entries_checked,
        ok=result.ok,
        finding=result.finding,
        finding_code=result.code,
        finding_params=result.params,
        finished_at=timezone.now(),
    )
    if not result.ok:
        from . import alerts

        alerts.alert("audit.integrity", _("The access log failed its integrity check"), f"V-{record.pk}")
    return result


def latest() -> Verification | None:
    return Verification.objects.filter(finished_at__isnull=False).first()
