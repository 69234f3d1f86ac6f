"""Writes of persons, cases and notes. One function per use case, one transaction each; every
change is reported to the access log. Each service asks the access layer for its action (a
case passed in plainly is resolved and checked, never trusted)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.case_access import CaseAccess, access_for
from access.decide import refuse, require, require_in
from access.rules import Action
from agencies.models import Agency
from agencies.selectors import members_with_perm_in

from . import timeline
from .access_sync import case_permissions_sync, case_touch
from .demographics import Gender, age_band
from .models import Case, CaseNote, ContactChannel, Person, Visibility
from .phonetics import phonetic_key


class ConcurrentEditError(Exception):
    """The case changed since the form was loaded; carries the current state."""

    def __init__(self, current: Case):
        super().__init__("The case was changed by someone else.")
        self.current = current


def _check_birth_date(birth_date) -> None:
    if birth_date is None:
        return
    today = timezone.localdate()
    if birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if birth_date.year < today.year - 120:
        raise ValidationError({"birth_date": _("Please check the date of birth: it is more than 120 years ago.")})


@transaction.atomic
def person_register(
    *,
    actor,
    agency: Agency,
    given_name: str = "",
    family_name: str = "",
    alias: str = "",
    birth_date=None,
    gender: str = "",
) -> Person:
    given_name, family_name, alias = given_name.strip(), family_name.strip(), alias.strip()
    require_in(actor, Action.PERSON_REGISTER, agency)
    if not family_name and not alias:
        raise ValidationError({"family_name": _("Please enter a family name, or an alias for anonymous counselling.")})
    if given_name and not family_name:
        raise ValidationError({"family_name": _("Please enter the family name as well, or only an alias.")})
    _check_birth_date(birth_date)
    if gender not in ("", *Gender.values):
        raise ValidationError({"gender": _("Please choose one of the offered entries.")})
    person = Person.objects.create(
        given_name=given_name,
        family_name=family_name,
        alias=alias,
        birth_date=birth_date,
        gender=gender,
        family_phonetic=phonetic_key(family_name),
        given_phonetic=phonetic_key(given_name),
        owner_agency=agency,
    )
    events.report(
        actor=actor,
        action="create",
        object_type="person",
        object_ids=[person.pk],
        person_ids=[person.pk],
        agency_id=agency.pk,
    )
    return person


@transaction.atomic
def person_reveal_name(*, actor, person: Person, given_name: str, family_name: str, birth_date=None) -> Person:
    """Turn a pseudonymous record into a named one once the person is ready to give their name."""
    right = require(actor, Action.PERSON_CHANGE, person)
    if not family_name.strip():
        raise ValidationError({"family_name": _("Please enter the family name.")})
    _check_birth_date(birth_date)
    person.given_name, person.family_name = given_name.strip(), family_name.strip()
    person.family_phonetic, person.given_phonetic = phonetic_key(person.family_name), phonetic_key(person.given_name)
    if birth_date is not None:
        person.birth_date = birth_date
        # Cases opened before the date was known get their age band now (as of their opening).
        for case_id, opened in person.cases.filter(age_band="").values_list("pk", "created_at"):
            band = age_band(birth_date, timezone.localdate(opened))
            Case.objects.filter(pk=case_id).update(age_band=band)
    person.save()
    events.report(
        actor=actor,
        action="change",
        object_type="person",
        object_ids=[person.pk],
        person_ids=[person.pk],
        agency_id=right.agency_id,
    )
    return person


@transaction.atomic
def case_open(
    *, actor, agency: Agency, person: Person, title: str, summary: str = "", district=None, assigned_workers=()
) -> Case:
    require_in(actor, Action.CASE_OPEN, agency)
    # A person seen through another agency's grant stays that agency's record: open the case on
    # a record of your own (or ask for access), so access never outlives a grant.
    if require(actor, Action.CASE_OPEN_FOR_PERSON, person).agency_id != agency.pk:
        refuse(actor, Action.CASE_OPEN_FOR_PERSON, person)
    if not title.strip():
        raise ValidationError({"title": _("Please state the reason for contact.")})
    case = Case.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:24]}",
        person=person,
        owner_agency=agency,
        title=title.strip(),
        summary=summary,
        district=district,
        age_band=age_band(person.birth_date, timezone.localdate()),
    )
    # The number is derived from the row id, so it is unique without a counter table.
    case.reference = f"F-{timezone.localdate().year}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    case.assigned_workers.set(list(assigned_workers) or [actor])
    case_permissions_sync(case)
    timeline.record(
        case=case, kind="case_opened", visibility=Visibility.BASIC, actor=actor, agency_id=agency.pk, title=case.title
    )
    events.report(
        actor=actor,
        action="create",
        object_type="case",
        object_ids=[case.pk],
        case_ids=[case.pk],
        person_ids=[person.pk],
        agency_id=agency.pk,
    )
    return case


def _locked_update(*, access: CaseAccess, version: int, event: dict | None = None, **fields) -> Case:
    """Apply `fields` only if nobody changed the case since `version` was read; `event` goes
    to the timeline (kind and data)."""
    case = access.case
    updated = Case.objects.filter(pk=case.pk, version=version).update(**fields, version=F("version") + 1)
    if not updated:
        raise ConcurrentEditError(Case.objects.select_related("district").get(pk=case.pk))
    case_touch(case.pk)
    if event:
        timeline.record(
            case=case, visibility=Visibility.BASIC, actor=access.user, agency_id=case.owner_agency_id, **event
        )
    access.report(action="change", object_type="case", object_ids=[case.pk])
    return Case.objects.select_related("person", "owner_agency", "district").get(pk=case.pk)


@transaction.atomic
def case_update(*, actor, case, version: int, title: str, summary: str, district, assigned_workers) -> Case:
    access = access_for(actor, case)
    access.require(Action.CASE_CHANGE)
    if not title.strip():
        raise ValidationError({"title": _("Please state the reason for contact.")})
    colleagues = members_with_perm_in(agency_id=access.case.owner_agency_id, perm="cases.view_case")
    if set(w.pk for w in assigned_workers) - set(colleagues.values_list("pk", flat=True)):
        # Only the owning agency works a case: a partner is never its assigned worker.
        raise ValidationError({"assigned_workers": _("Please choose colleagues of the owning agency.")})
    updated = _locked_update(
        access=access,
        version=version,
        title=title.strip(),
        summary=summary,
        district=district,
    )
    updated.assigned_workers.set(assigned_workers)
    return updated


@transaction.atomic
def case_close(*, actor, case, version: int, reason: str) -> Case:
    access = access_for(actor, case)
    access.require(Action.CASE_CLOSE)
    if access.case.status == Case.Status.CLOSED:
        raise ValidationError({"reason": _("The case is already closed.")})
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Please give a reason for closing the case.")})
    return _locked_update(
        access=access,
        version=version,
        event={"kind": "case_closed", "reason": reason.strip()},
        status=Case.Status.CLOSED,
        closed_reason=reason.strip(),
        closed_at=timezone.now(),
    )


@transaction.atomic
def case_reopen(*, actor, case, version: int) -> Case:
    access = access_for(actor, case)
    access.require(Action.CASE_CLOSE)
    if access.case.status != Case.Status.CLOSED:
        raise ValidationError({"__all__": _("Only a closed case can be reopened.")})
    return _locked_update(
        access=access,
        version=version,
        event={"kind": "case_reopened"},
        status=Case.Status.ACTIVE,
        closed_reason="",
        closed_at=None,
    )


@transaction.atomic
def case_activate(*, actor, case, version: int) -> Case:
    access = access_for(actor, case)
    access.require(Action.CASE_CHANGE)
    if access.case.status != Case.Status.OPEN:
        raise ValidationError({"__all__": _("Only an open case can be set to active.")})
    return _locked_update(access=access, version=version, status=Case.Status.ACTIVE)


@transaction.atomic
def note_add(*, actor, case, category: str, text: str, contact_channel: str = "", occurred_on=None) -> CaseNote:
    """A note in the name of the agency whose scope and role allow its category. A note may
    record a contact with the person (how, and on which day: never a day still to come)."""
    access = access_for(actor, case)
    case = access.case
    agency_id = access.require(Action.NOTE_ADD, category).agency_id
    errors = {}
    if not text.strip():
        errors["text"] = _("Please write the note.")
    if contact_channel and contact_channel not in ContactChannel.values:
        errors["contact_channel"] = _("Please choose how the contact took place.")
    if occurred_on is not None and occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date lies in the future; a note records what has happened.")
    if errors:
        raise ValidationError(errors)
    note = CaseNote.objects.create(
        case=case,
        category=category,
        text=text.strip(),
        contact_channel=contact_channel,
        occurred_on=occurred_on or (timezone.localdate() if contact_channel else None),
        author=actor,
        author_agency_id=agency_id,
    )
    case_touch(case.pk)
    timeline.record(case=case, kind="note", visibility=category, actor=actor, agency_id=agency_id, ref_id=note.pk)
    access.report(action="create", object_type="note", object_ids=[note.pk], agency_id=agency_id)
    return note
