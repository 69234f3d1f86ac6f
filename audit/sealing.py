"""Tamper evidence: a SHA-256 chain over the entries in id order, closed by seals that are
authenticated with a key outside the database (audit.keys) and recorded outside it (audit.anchors).

Writers never wait for a lock: they only insert. The sealer (a beat job, every
ACCESS_LOG_SEAL_SECONDS) seals only up to a safe id: on PostgreSQL the highest id it saw at its
previous run, once every write transaction of the application in this database that was open
then has ended — so no lower id can still commit behind a seal. Transactions of other databases
on the same server, and read-only ones such as a pg_dump, are not waited for.
Verification (audit.verification) recomputes the chain and checks the seals."""

from __future__ import annotations

import hashlib
import json

from django.db import connection, transaction
from django.db.models import Max

from . import anchors, keys
from .models import AccessLogChain, AccessLogEntry, AccessLogSeal, SealHorizon

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


# Write transactions of this application's role in this database that began at or before a moment.
_OPEN_WRITERS_SINCE = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()
  AND backend_xid IS NOT NULL AND xact_start <= %s
"""


def advance_horizon() -> int:
    """The highest entry id that is safe to seal now (see the module docstring)."""
    if connection.vendor != "postgresql":
        # SQLite commits one writer at a time: what is visible is final.
        return AccessLogEntry.objects.aggregate(m=Max("id"))["m"] or 0
    with transaction.atomic():
        horizon, _created = SealHorizon.objects.select_for_update().get_or_create(pk=1)
        with connection.cursor() as cursor:
            if horizon.pending_since is not None:
                cursor.execute(_OPEN_WRITERS_SINCE, [horizon.pending_since])
                if cursor.fetchone()[0]:
                    return horizon.safe_entry_id
            # Read the highest id first, then the moment: any lower id was handed out to a
            # transaction that had begun by then.
            current_max = AccessLogEntry.objects.aggregate(m=Max("id"))["m"] or 0
            cursor.execute("SELECT clock_timestamp()")
            (moment,) = cursor.fetchone()
        horizon.safe_entry_id = max(horizon.safe_entry_id, horizon.pending_entry_id)
        horizon.pending_entry_id, horizon.pending_since = current_max, moment
        horizon.save()
        return horizon.safe_entry_id


def seal_pending(*, batch: int = 20_000, up_to: int | None = None) -> AccessLogSeal | None:
    """Chain and seal the entries after the last seal, up to the safe id (one batch); the seal is
    authenticated with the current key and, once committed, recorded outside the database."""
    up_to = advance_horizon() if up_to is None else up_to
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK])
                # The database notes (hourly, on its own clock) which entries exist by now: what
                # retention later goes by (audit.retention_sql).
                cursor.execute("SELECT audit_mark_time()")
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
        key_id, key = keys.current()
        fields = {
            "first_entry_id": entries[0].pk,
            "last_entry_id": entries[-1].pk,
            "count": len(entries),
            "previous_head": previous,
            "head": head,
        }
        seal = AccessLogSeal.objects.create(**fields, key_id=key_id, mac=keys.mac(key, keys.seal_message(**fields)))
        last_time = entries[-1].time
        transaction.on_commit(lambda: anchors.record(seal, last_time=last_time))
        return seal
