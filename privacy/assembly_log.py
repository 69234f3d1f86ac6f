"""Art. 15 report, who read the data and when: the access-log entries that name the person or
one of their cases (found through the GIN indexes on their id lists, audit.idlists), newest `LIMIT`, in time
order. Of each entry the report shows what concerns this person — time, agency, who as the log
holds it, action, kind of record, purpose, outcome — never its list of record ids, which may
name other persons read in the same list."""

from __future__ import annotations

from django.db.models import Q

from audit.models import AccessLogEntry
from audit.templatetags.audit_labels import object_type_label

from .reader import Reader

LIMIT = 5000


def entries_for(*, person_id: int, case_ids: list[int], limit: int = LIMIT) -> list[AccessLogEntry]:
    named = Q(person_ids__has=person_id)
    if case_ids:
        named |= Q(case_ids__has=case_ids)
    newest = (
        AccessLogEntry.objects.filter(named)
        .select_related("agency")
        .only("time", "actor_name", "agency__name", "action", "object_type", "purpose", "channel", "outcome")
        .order_by("-id")[:limit]
    )
    return list(reversed(list(newest)))


def _who(entry: AccessLogEntry) -> str:
    if entry.actor_name:
        return entry.actor_name
    return "automatischer Vorgang" if entry.channel == AccessLogEntry.Channel.JOB else "–"


def access_history(reader: Reader, *, person_id: int, case_ids: list[int]) -> dict:
    entries = entries_for(person_id=person_id, case_ids=case_ids)
    reader.read("access_log", entries, action="search")
    return {
        "access_log": [
            {
                "time": e.time,
                "agency": e.agency.name if e.agency_id else "",
                "who": _who(e),
                "action": e.action,
                "action_label": e.get_action_display(),
                "record": e.object_type,
                "record_label": object_type_label(e.object_type),
                "purpose": e.purpose,
                "channel_label": e.get_channel_display(),
                "outcome_label": e.get_outcome_display(),
            }
            for e in entries
        ],
        "access_log_complete": len(entries) < LIMIT,
    }
