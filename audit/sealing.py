"""Tamper evidence: a SHA-256 chain over the entries in id order, written by one sealer.

Writers never wait for a lock: they only insert. The sealer (a beat job) seals only up to a safe
id: on PostgreSQL the highest id it saw at its previous run, once every transaction that was
open then has ended (so no lower id can still commit behind the seal); it extends the chain by
one link per entry and closes the run with a seal. Verification recomputes
the chain and names the first entry that was changed, removed or inserted out of order."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef

from .models import AccessLogChain, AccessLogEntry, AccessLogSeal, AccessLogSubject, SealHorizon

GENESIS = "0" * 64
_SEALER_LOCK = 7_310_001  # PostgreSQL advisory lock key: one sealer at a time


def canonical(entry: AccessLogEntry) -> bytes:
    """The bytes an entry's link covers: every field, in a fixed order and format."""
    return json.dumps(
        [
            entry.pk,
            entry.time.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.agency_id,
            entry.action,
            entry.object_type,
            entry.object_ids,
            entry.basis,
            entry.purpose,
            entry.channel,
            entry.request_id,
            entry.client_address,
            entry.user_agent,
            entry.outcome,
            entry.case_ids,
            entry.person_ids,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def link(previous: str, entry: AccessLogEntry) -> str:
    return hashlib.sha256(previous.encode() + canonical(entry)).hexdigest()


def _index_subjects(entries: list[AccessLogEntry]) -> None:
    """Fill the person/case search index for a sealed batch, sorted so the index grows in order."""
    rows = sorted(
        {("case", ref, e.pk) for e in entries for ref in e.case_ids}
        | {("person", ref, e.pk) for e in entries for ref in e.person_ids}
    )
    AccessLogSubject.objects.bulk_create(
        [AccessLogSubject(entry_id=entry_id, kind=kind, ref_id=ref) for kind, ref, entry_id in rows], batch_size=5000
    )


def advance_horizon() -> int:
    """The highest entry id that is safe to seal now (see the module docstring)."""
    current_max = AccessLogEntry.objects.aggregate(m=Max("id"))["m"] or 0
    if connection.vendor != "postgresql":
        return current_max  # SQLite commits one writer at a time: what is visible is final
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                "pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
            )
            xmin, xmax = cursor.fetchone()
        horizon, _created = SealHorizon.objects.select_for_update().get_or_create(pk=1)
        if xmin >= horizon.pending_xmax:
            horizon.safe_entry_id = horizon.pending_entry_id
            horizon.pending_entry_id, horizon.pending_xmax = current_max, xmax
            horizon.save()
        return horizon.safe_entry_id


def seal_pending(*, batch: int = 20_000, up_to: int | None = None) -> AccessLogSeal | None:
    """Chain and seal the entries after the last seal, up to the safe id (one batch)."""
    up_to = advance_horizon() if up_to is None else up_to
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK])
        last = AccessLogSeal.objects.order_by("-last_entry_id").first()
        previous = last.head if last else GENESIS
        after = last.last_entry_id if last else 0
        entries = list(AccessLogEntry.objects.filter(id__gt=after, id__lte=up_to).order_by("id")[:batch])
        if not entries:
            return None
        head, links = previous, []
        for entry in entries:
            head = link(head, entry)
            links.append(AccessLogChain(entry_id=entry.pk, digest=head))
        AccessLogChain.objects.bulk_create(links)
        _index_subjects(entries)
        return AccessLogSeal.objects.create(
            first_entry_id=entries[0].pk,
            last_entry_id=entries[-1].pk,
            count=len(entries),
            previous_head=previous,
            head=head,
        )


@dataclass
class VerificationResult:
    ok: bool
    entries_checked: int
    finding: str = ""
    entry_id: int | None = None


def verify(*, first_id: int | None = None, last_id: int | None = None, chunk: int = 10_000) -> VerificationResult:
    """Recompute the chain over the sealed entries (optionally only seals touching a range), in
    one consistent snapshot so a concurrent retention run cannot look like tampering."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _verify(first_id=first_id, last_id=last_id, chunk=chunk)


def _verify(*, first_id: int | None, last_id: int | None, chunk: int) -> VerificationResult:
    seals = AccessLogSeal.objects.order_by("first_entry_id")
    if first_id is not None:
        seals = seals.filter(last_entry_id__gte=first_id)
    if last_id is not None:
        seals = seals.filter(first_entry_id__lte=last_id)
    checked = 0
    expected_previous = None
    for seal in seals.iterator():
        if expected_previous is not None and seal.previous_head != expected_previous:
            return VerificationResult(
                False, checked, f"seal {seal.pk} does not continue the chain", seal.first_entry_id
            )
        head = seal.previous_head
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
                return VerificationResult(False, checked, f"entry {entry_id} was inserted out of order", entry_id)
            for ln in links:
                entry = entries.get(ln.entry_id)
                if entry is None:
                    return VerificationResult(False, checked, f"entry {ln.entry_id} was removed", ln.entry_id)
                head = link(head, entry)
                if head != ln.digest:
                    return VerificationResult(False, checked, f"entry {ln.entry_id} was changed", ln.entry_id)
                checked += 1
            cursor_id = ids[-1]
        if head != seal.head:
            return VerificationResult(False, checked, f"seal {seal.pk} does not match its entries", seal.last_entry_id)
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
            return VerificationResult(False, checked, f"entry {sneaked} was inserted out of order", sneaked)
    return VerificationResult(True, checked)
