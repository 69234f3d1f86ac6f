"""Reads for the data-protection officer's requests: the list, one request, finding the person,
and one document file for the report. Each read is logged (object type "subject_request",
"person" or "document"); the officer's right is asked of the access layer here too."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from access import events
from access.decide import require
from access.errors import NotFound
from access.rules import Action
from audit.selectors import persons_matching

from .models import Status, SubjectRequest

# A request counts as "due" when its deadline is this close (or past).
DUE_SOON = timedelta(days=7)

FILTERS = ("open", "due", "done", "all")


def requests_list(*, actor, show: str = "open", limit: int = 200) -> list[SubjectRequest]:
    right = require(actor, Action.SUBJECT_REQUESTS)
    rows: QuerySet[SubjectRequest] = SubjectRequest.objects.select_related("person")
    if show == "due":
        rows = rows.filter(status=Status.OPEN, due_on__lte=timezone.localdate() + DUE_SOON)
    elif show == "done":
        rows = rows.exclude(status=Status.OPEN).order_by("-completed_at", "-pk")
    elif show == "open":
        rows = rows.filter(status=Status.OPEN)
    found = list(rows[:limit])
    events.report(
        actor=actor,
        action="list",
        object_type="subject_request",
        object_ids=[r.pk for r in found],
        person_ids=[r.person_number for r in found],
        agency_id=right.agency_id,
    )
    return found


def request_get(*, actor, request_id: int, log: bool = True) -> SubjectRequest:
    right = require(actor, Action.SUBJECT_REQUESTS)
    request = (
        SubjectRequest.objects.select_related("person__owner_agency", "opened_by", "decided_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        events.denied(actor=actor, object_type="subject_request", object_id=request_id)
        raise NotFound("subject_request", request_id)
    if log:
        events.report(
            actor=actor,
            action="view",
            object_type="subject_request",
            object_ids=[request.pk],
            person_ids=[request.person_number],
            agency_id=right.agency_id,
        )
    return request


def persons_for_request(*, actor, text: str) -> list:
    """The auditors' person search (name by Kölner Phonetik, birth date, person or case number):
    master data only, each search logged with the persons it showed."""
    right = require(actor, Action.SUBJECT_REQUESTS)
    text = (text or "").strip()
    # "²" or "٣" are digits to str.isdigit() but no number to int(): no person has such a number.
    persons = [] if text.isdigit() and not text.isascii() else persons_matching(text)
    events.report(
        actor=actor,
        action="search",
        object_type="person",
        object_ids=[p.pk for p in persons],
        person_ids=[p.pk for p in persons],
        purpose="Betroffenenantrag: Suche der Person",
        agency_id=right.agency_id,
    )
    return persons


def person_for_request(*, actor, person_id: int):
    from cases.models import Person

    right = require(actor, Action.SUBJECT_REQUESTS)
    person = Person.objects.select_related("owner_agency").filter(pk=person_id).first()
    if person is None:
        events.denied(actor=actor, object_type="person", object_id=person_id)
        raise NotFound("person", person_id)
    events.report(
        actor=actor,
        action="view",
        object_type="person",
        object_ids=[person.pk],
        person_ids=[person.pk],
        purpose="Betroffenenantrag: Person gewählt",
        agency_id=right.agency_id,
    )
    return person


def document_for_request(*, actor, request: SubjectRequest, document_id: int):
    """One file of the person's cases, for the copy the person asked for (Art. 15(3) GDPR);
    logged as an export with the request's purpose."""
    from casework.models import Document

    right = require(actor, Action.SUBJECT_REQUESTS)
    document = Document.objects.filter(pk=document_id, case__person_id=request.person_number).first()
    if document is None:
        events.denied(actor=actor, object_type="document", object_id=document_id, action="export")
        raise NotFound("document", document_id, "export")
    events.report(
        actor=actor,
        action="export",
        object_type="document",
        object_ids=[document.pk],
        case_ids=[document.case_id],
        person_ids=[request.person_number],
        purpose=request.purpose,
        agency_id=right.agency_id,
    )
    return document
