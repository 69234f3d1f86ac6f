"""The one place where the data-protection officer reads case content.

The auditor role holds no right on any case (access.rules): by default the officer sees log
metadata only. Art. 15 GDPR obliges the controller to give the person a copy of everything it
stores about them, and the officer assembles it. So the report is read here — and only here —
past the case scopes, for one purpose: answering one request. Every record read is logged with
that purpose, "Auskunft nach Art. 15 DSGVO, Antrag <nr>", naming the person and the case, so
the person's own access history shows the officer's reads too."""

from __future__ import annotations

from dataclasses import dataclass, field

from access import events
from access.decide import require
from access.errors import NotFound
from access.rules import Action

from .models import Kind, Status, SubjectRequest

# The writer keeps at most 500 object ids per entry; larger reads are logged in batches.
_BATCH = 500


@dataclass
class Reader:
    actor: object
    request: SubjectRequest
    agency_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_request(cls, *, actor, request: SubjectRequest) -> Reader:
        """The officer's right is checked by the access layer, never assumed from the caller;
        and content is read only for an open access request (whatever the caller checked)."""
        right = require(actor, Action.SUBJECT_REQUESTS)
        if request.kind != Kind.ACCESS or request.status != Status.OPEN or request.person_id is None:
            events.denied(actor=actor, object_type="subject_request", object_id=request.pk, action="print")
            raise NotFound("subject_request", request.pk, "print")
        return cls(actor=actor, request=request, agency_id=right.agency_id)

    @property
    def person_id(self) -> int:
        return self.request.person_number

    def read(self, object_type: str, rows: list, *, case_of=None, action: str = "view") -> list:
        """Log the reading of `rows` (model instances) of one kind for this request."""
        self.counts[object_type] = self.counts.get(object_type, 0) + len(rows)
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            case_ids = {case_of(row) for row in batch} if case_of else set()
            events.report(
                actor=self.actor,
                action=action,
                object_type=object_type,
                object_ids=[row.pk for row in batch],
                case_ids=case_ids,
                person_ids=[self.person_id],
                purpose=self.request.purpose,
                agency_id=self.agency_id,
            )
        return rows
