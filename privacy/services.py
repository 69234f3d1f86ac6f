"""Writes of data-subject requests: open, extend the deadline, decide, answer. One transaction
each, every step in the access log (object type "subject_request"). Only the data-protection
officer (Action.SUBJECT_REQUESTS, second factor) gets here; each service asks the access layer
itself, so no channel can skip the rule."""

from __future__ import annotations

import json
import uuid
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.decide import require
from access.rules import Action
from notlagen.errors import StaleVersionError

from .models import Decision, Kind, Status, SubjectRequest

# Art. 12(3) GDPR: one month from receipt; two further months where the request is complex.
ANSWER_WITHIN = relativedelta(months=1)
EXTENDED_BY = relativedelta(months=2)


def due_date(received_on: date) -> date:
    return received_on + ANSWER_WITHIN


def _log(actor, agency_id: int, request: SubjectRequest, action: str, purpose: str) -> None:
    events.report(
        actor=actor,
        action=action,
        object_type="subject_request",
        object_ids=[request.pk],
        person_ids=[request.person_number],
        purpose=f"{request.number}: {purpose}"[:300],
        agency_id=agency_id,
    )


def request_open(
    *, actor, person, kind: str, identity_document: str, identity_note: str, received_on: date, details: str = ""
) -> SubjectRequest:
    right = require(actor, Action.SUBJECT_REQUESTS)
    errors = {}
    if received_on > timezone.localdate():
        errors["received_on"] = _("The date of receipt cannot be in the future.")
    if not identity_note.strip():
        errors["identity_note"] = _("Please note how the identity was checked (never copy the document).")
    if kind not in Kind.values:
        errors["kind"] = _("Please choose the kind of request.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if SubjectRequest.objects.filter(person_number=person.pk, kind=kind, status=Status.OPEN).exists():
            raise ValidationError({"kind": _("This person already has an open request of this kind.")})
        request = SubjectRequest.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",  # unique until the id names it
            person=person,
            person_number=person.pk,
            kind=kind,
            details=details.strip(),
            received_on=received_on,
            due_on=due_date(received_on),
            identity_document=identity_document,
            identity_note=identity_note.strip(),
            opened_by=actor,
        )
        request.number = f"DS-{received_on.year}-{request.pk:05d}"
        request.save(update_fields=["number"])
        _log(actor, right.agency_id, request, "create", request.get_kind_display())
    return request


def _locked(request: SubjectRequest, version: int) -> SubjectRequest:
    current = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if current.version != version:
        raise StaleVersionError(
            _("Someone else changed this request in the meantime. Please check the page and try again.")
        )
    if current.status != Status.OPEN:
        raise ValidationError(_("This request is already closed."))
    return current


def _save(request: SubjectRequest, *fields: str) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


def request_extend(*, actor, request: SubjectRequest, version: int, reason: str) -> SubjectRequest:
    """Art. 12(3) sentence 2: two further months where necessary; the person must be told why
    within the first month, so the extension is only possible before the first deadline."""
    right = require(actor, Action.SUBJECT_REQUESTS)
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason for the extension; the person is told it.")})
    with transaction.atomic():
        current = _locked(request, version)
        if current.extension_reason:
            raise ValidationError({"reason": _("The deadline has already been extended once.")})
        if current.due_on < timezone.localdate():
            raise ValidationError({"reason": _("The deadline has passed; it can only be extended before it ends.")})
        current.due_on = due_date(current.received_on) + EXTENDED_BY
        current.extension_reason = reason.strip()
        _save(current, "due_on", "extension_reason")
        _log(actor, right.agency_id, current, "change", f"Frist verlängert bis {current.due_on:%d.%m.%Y}")
    return current


def request_decide(*, actor, request: SubjectRequest, version: int, decision: str, reason: str) -> SubjectRequest:
    """Decide a request. A granted erasure is carried out at once by the retention machinery,
    in the same transaction: the decision and the erasure stand or fall together."""
    right = require(actor, Action.SUBJECT_REQUESTS)
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = _("Please choose whether the request is granted or refused.")
    if not reason.strip():
        errors["reason"] = _("Please give the reason for the decision; the person is told it.")
    if errors:
        raise ValidationError(errors)
    if decision == Decision.GRANTED and request.kind == Kind.ACCESS:
        raise ValidationError({"decision": _("An access request is answered with the report, not granted here.")})
    with transaction.atomic():
        current = _locked(request, version)
        now = timezone.now()
        current.decision, current.decision_reason = decision, reason.strip()
        current.decided_by, current.decided_at = actor, now
        current.status = Status.DONE if decision == Decision.GRANTED else Status.REFUSED
        current.completed_at = now
        if decision == Decision.GRANTED and current.kind == Kind.ERASURE:
            current.outcome = _erase(actor, current)
        fields = ("decision", "decision_reason", "decided_by", "decided_at", "status", "completed_at", "outcome")
        _save(current, *fields)
        _log(
            actor, right.agency_id, current, "change", f"{current.get_decision_display()}: {current.get_kind_display()}"
        )
    return current


def _erase(actor, request: SubjectRequest) -> dict:
    """Art. 17: the retention machinery erases what may go and says what it kept and why
    (a legal hold, the budget law's keeping of financial records, ...). No erasure of our own."""
    from retention.services import erase_person

    if request.person is None:
        raise ValidationError(_("The person's data has already been erased."))
    result = erase_person(actor=actor, person=request.person, reason=f"Art. 17 DSGVO, Antrag {request.number}")
    # Stored as plain JSON (dates and decimals as text), so the page shows it as it was.
    return json.loads(json.dumps(result or {}, cls=DjangoJSONEncoder))


def request_answer(*, actor, request: SubjectRequest, version: int, note: str) -> SubjectRequest:
    """An access request is answered: the report was handed over (how, in the note)."""
    right = require(actor, Action.SUBJECT_REQUESTS)
    if not note.strip():
        raise ValidationError({"note": _("Please note how the report was handed over.")})
    if request.kind != Kind.ACCESS:
        raise ValidationError(_("Only an access request is answered with the report; decide the others."))
    with transaction.atomic():
        current = _locked(request, version)
        if current.report_produced_at is None:
            raise ValidationError(
                {"note": _("Please produce the report (PDF or JSON) before marking it as handed over.")}
            )
        current.status, current.completed_at, current.completion_note = Status.DONE, timezone.now(), note.strip()
        _save(current, "status", "completed_at", "completion_note")
        _log(actor, right.agency_id, current, "change", "Auskunft erteilt")
    return current


def report_produced(*, request: SubjectRequest) -> None:
    """Note when the report was last produced (the reads themselves are in the access log)."""
    SubjectRequest.objects.filter(pk=request.pk).update(report_produced_at=timezone.now())


WITHHOLDABLE = ("note", "document")


def _record_of_the_person(request: SubjectRequest, record: str) -> tuple[str, int]:
    """A record named "note:12" or "document:3", of one of the person's own cases; else a field error."""
    from cases.models import CaseNote
    from casework.models import Document

    kind, _sep, number = (record or "").partition(":")
    models = {"note": CaseNote, "document": Document}
    if kind in models and number.isascii() and number.isdigit():
        if models[kind].objects.filter(pk=int(number), case__person_id=request.person_number).exists():
            return kind, int(number)
    raise ValidationError({"record": _("Please choose a note or document of this person.")})


def request_withhold(*, actor, request: SubjectRequest, version: int, record: str, reason: str) -> SubjectRequest:
    """Art. 15(4) GDPR: leave a record out of the person's copy where it would disclose another
    person's data (say, a name in a note); the copy says that records were withheld, and why."""
    right = require(actor, Action.SUBJECT_REQUESTS)
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason; the person is told it.")})
    kind, number = _record_of_the_person(request, record)
    with transaction.atomic():
        current = _locked(request, version)
        kept = [w for w in current.withheld if (w["kind"], w["id"]) != (kind, number)]
        entry = {"kind": kind, "id": number, "reason": reason.strip(), "by": actor.get_username()}
        current.withheld = [*kept, {**entry, "at": timezone.now().isoformat()}]
        _save(current, "withheld")
        _log(actor, right.agency_id, current, "change", f"zurückgehalten: {kind} {number}")
    return current


def request_release(*, actor, request: SubjectRequest, version: int, record: str) -> SubjectRequest:
    """Put a withheld record back into the person's copy."""
    right = require(actor, Action.SUBJECT_REQUESTS)
    kind, _sep, number = (record or "").partition(":")
    with transaction.atomic():
        current = _locked(request, version)
        current.withheld = [w for w in current.withheld if f"{w['kind']}:{w['id']}" != f"{kind}:{number}"]
        _save(current, "withheld")
        _log(actor, right.agency_id, current, "change", f"wieder aufgenommen: {kind} {number}")
    return current
