"""Lists that log themselves. A selector marks the queryset it returns with `reported_to(...)`;
whenever that queryset (or any clone of it: a filter, a slice, a keyset page, a paginator's
page, an iterator) is evaluated, the rows it returned are reported to the access log as one
list entry. So whatever channel paginates a selector's list, the rows it hands out are logged;
the channel cannot forget it. Counts and existence checks return no personal data and are not
logged; a queryset used as a subquery is never evaluated by itself and logs nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from . import events


@dataclass(frozen=True)
class ListReport:
    actor: object
    object_type: str
    action: str = "list"
    case_id: int | None = None
    person_id: int | None = None
    agency_id: int | None = None

    def __call__(self, rows) -> None:
        rows = list(rows)
        if not rows:
            return
        ids, case_ids, person_ids = [], set(), set()
        for row in rows:
            if isinstance(row, models.Model):
                ids.append(row.pk)
                case_ids.add(self.case_id or _case_id_of(row))
                person_ids.add(self.person_id or _person_id_of(row))
            elif isinstance(row, dict):
                ids.append(row.get("id", row.get("pk")))
            elif isinstance(row, int):
                ids.append(row)
        events.report(
            actor=self.actor,
            action=self.action,
            object_type=self.object_type,
            object_ids=ids,
            case_ids=case_ids | ({self.case_id} if self.case_id else set()),
            person_ids=person_ids | ({self.person_id} if self.person_id else set()),
            agency_id=self.agency_id,
        )


def _case_id_of(row) -> int | None:
    # Read from the row's own fields only: never a query per row to find out.
    if row._meta.label == "cases.Case":
        return row.pk
    return row.__dict__.get("case_id")


def _person_id_of(row) -> int | None:
    if row._meta.label == "cases.Person":
        return row.pk
    return row.__dict__.get("person_id")


def list_report(
    actor, *, object_type: str, action: str = "list", case=None, agency_id: int | None = None
) -> ListReport:
    """The report of a list of rows read by `actor`; `case` (a Case or CaseAccess) names the
    case and person of records that hang off one case."""
    case = getattr(case, "case", case)
    return ListReport(
        actor=actor,
        object_type=object_type,
        action=action,
        case_id=getattr(case, "pk", None),
        person_id=getattr(case, "person_id", None),
        agency_id=agency_id,
    )


class ReportingQuerySet(models.QuerySet):
    """A queryset that may carry a ListReport; unmarked, it behaves like any other."""

    _list_report: ListReport | None = None

    def reported_to(
        self, actor, *, object_type: str, action: str = "list", case=None, agency_id: int | None = None
    ) -> ReportingQuerySet:
        """Mark this queryset: the rows it returns are reported as read by `actor`. `case` (a
        Case or CaseAccess) names the case and person of records that hang off one case."""
        clone = self._chain()
        clone._list_report = list_report(actor, object_type=object_type, action=action, case=case, agency_id=agency_id)
        return clone

    def unreported(self) -> ReportingQuerySet:
        """For reads whose rows never leave the process as personal data (checks inside services)."""
        clone = self._chain()
        clone._list_report = None
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._list_report = self._list_report
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._list_report is not None:
            self._list_report(self._result_cache)

    def iterator(self, chunk_size=None):
        rows = super().iterator(chunk_size=chunk_size)
        if self._list_report is None:
            yield from rows
            return
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= (chunk_size or 2000):
                self._list_report(batch)
                yield from batch
                batch = []
        self._list_report(batch)
        yield from batch
