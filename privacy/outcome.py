"""What an erasure did, as rows for the request's page: the counts per kind of record, and
what was kept and why. retention.services.erase_person returns a dict; its exact shape is the
retention app's, so this reads it leniently (counts as a mapping, "kept" as a mapping or a
list) and shows anything else as it came."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.templatetags.audit_labels import object_type_label

_COUNT_KEYS = ("counts", "erased", "anonymised", "deleted")


_EXTRA = {
    "case_file": _("Case file"),
    "legal_hold": _("Cases under a legal hold"),
    "person": _("Master data of the person"),
}


def _label(kind) -> str:
    """The retention app's name of a kind of record where it has one, else the log's."""
    kind = str(kind)
    try:
        from retention.kinds import RecordKind

        return str(RecordKind(kind).label)
    except (ImportError, ValueError):
        pass
    if kind in _EXTRA:
        return str(_EXTRA[kind])
    return object_type_label(kind).replace("_", " ")


def counts(outcome: dict) -> list[tuple[str, object]]:
    for key in _COUNT_KEYS:
        value = outcome.get(key)
        if isinstance(value, dict):
            return [(_label(kind), number) for kind, number in value.items()]
    return []


def _kept_row(kind, value) -> tuple[str, object, str, str]:
    if isinstance(value, dict):
        number = value.get("count", value.get("records", ""))
        reason = value.get("reason") or value.get("why") or value.get("rule") or ""
        cases = value.get("cases") or []
        return _label(value.get("kind", kind)), number, str(reason), ", ".join(map(str, cases))
    return _label(kind), "", str(value), ""


def kept(outcome: dict) -> list[tuple[str, object, str, str]]:
    value = outcome.get("kept")
    if isinstance(value, dict):
        return [_kept_row(kind, item) for kind, item in value.items()]
    if isinstance(value, list):
        return [_kept_row(item.get("kind", "") if isinstance(item, dict) else "", item) for item in value]
    return []


def other(outcome: dict) -> list[tuple[str, str]]:
    """Anything else the erasure reported (a run id, a note), shown as it came."""
    known = {*_COUNT_KEYS, "kept", "person_anonymised", "cases"}
    return [(str(key), str(value)) for key, value in outcome.items() if key not in known]
