"""Art. 15 GDPR: everything stored about one person, as one plain structure (the JSON of
privacy/report_format.md; the page and the PDF render the same structure).

Read through privacy.reader (the one logged path by which the officer reads content). Only
the person's own records are read: their master data and the records hanging off *their*
cases; nothing of another person is ever queried. One query per kind of record, whatever the
number of records (no query per note, per case or per payment)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from cases.models import Case, CaseNote, Person

from . import assembly_sharing, assembly_work
from .assembly_log import access_history
from .models import SubjectRequest
from .reader import Reader

SCHEMA = "notlagen.art15/1"


def controller_name(reader: Reader) -> str:
    """The controller named on the report: the setting, else the officer's agency."""
    configured = getattr(settings, "PRIVACY_CONTROLLER", "")
    if configured:
        return configured
    from agencies.models import Agency

    agency = Agency.objects.filter(pk=reader.agency_id).only("name").first()
    return agency.name if agency else ""


def _person(reader: Reader, person: Person) -> dict:
    reader.read("person", [person])
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "alias": person.alias,
        "birth_date": person.birth_date,
        "gender": person.gender,
        "gender_label": person.get_gender_display() if person.gender else "",
        "registered_by": person.owner_agency.name,
        "registered_at": person.created_at,
        "changed_at": person.updated_at,
    }


def _cases(reader: Reader, person: Person) -> list[Case]:
    cases = list(
        Case.objects.filter(person_id=person.pk).select_related("owner_agency", "district").order_by("created_at", "pk")
    )
    return reader.read("case", cases, case_of=lambda c: c.pk)


def _case_rows(cases: list[Case]) -> list[dict]:
    return [
        {
            "reference": c.reference,
            "status": c.status,
            "status_label": c.get_status_display(),
            "owning_agency": c.owner_agency.name,
            "reason": c.title,
            "summary": c.summary,
            "district": c.district.name if c.district_id else "",
            "age_band": c.get_age_band_display() if c.age_band else "",
            "opened_at": c.created_at,
            "closed_at": c.closed_at,
            "closed_reason": c.closed_reason,
        }
        for c in cases
    ]


def _notes(reader: Reader, cases: list[Case], refs: dict[int, str]) -> list[dict]:
    notes = list(
        CaseNote.objects.filter(case_id__in=list(refs))
        .select_related("author_agency")
        .order_by("case_id", "created_at", "pk")
    )
    reader.read("note", notes, case_of=lambda n: n.case_id)
    return [
        {
            "id": n.pk,
            "case": refs[n.case_id],
            "category": n.category,
            "category_label": n.get_category_display(),
            "written_at": n.created_at,
            "agency": n.author_agency.name,
            "contact": n.get_contact_channel_display() if n.contact_channel else "",
            "contact_on": n.occurred_on,
            "text": n.text,
        }
        for n in notes
    ]


def _apply_withheld(report: dict, request: SubjectRequest, *, for_person: bool) -> None:
    """Art. 15(4): the person's copy leaves withheld records out and says so; the officer's
    preview shows them, marked, so the choice can be checked and undone."""
    reasons = {(w["kind"], w["id"]): w["reason"] for w in request.withheld}
    for kind, section in (("note", "notes"), ("document", "documents")):
        rows = report[section]
        for row in rows:
            row["withheld"] = reasons.get((kind, row["id"]), "")
        if for_person:
            report[section] = [row for row in rows if not row["withheld"]]
            for row in report[section]:
                del row["withheld"]
    report["withheld"] = [{"kind": kind, "reason": reason} for (kind, _id), reason in reasons.items()]


def assemble(*, actor, request: SubjectRequest, for_person: bool = True) -> dict:
    """The whole report for `request`, read (and logged) now. German labels: the report is
    for the person, whatever language the officer's screen is in. `for_person`: the copy
    handed over (withheld records left out) rather than the officer's preview."""
    reader = Reader.for_request(actor=actor, request=request)
    person = Person.objects.select_related("owner_agency").filter(pk=request.person_number).first()
    if person is None:
        return {}
    with translation.override(settings.LANGUAGE_CODE):
        cases = _cases(reader, person)
        refs = {c.pk: c.reference for c in cases}
        report = {
            "schema": SCHEMA,
            "request": {
                "number": request.number,
                "received_on": request.received_on,
                "produced_at": timezone.now(),
                "controller": controller_name(reader),
            },
            "person": _person(reader, person),
            "cases": _case_rows(cases),
            "notes": _notes(reader, cases, refs),
        }
        report.update(assembly_work.casework(reader, refs))
        report.update(assembly_sharing.sharing(reader, person, refs))
        report.update(assembly_sharing.money_and_meetings(reader, refs))
        report.update(access_history(reader, person_id=person.pk, case_ids=list(refs)))
    _apply_withheld(report, request, for_person=for_person)
    report["counts"] = dict(sorted(reader.counts.items()))
    return report
