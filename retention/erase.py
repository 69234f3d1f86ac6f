"""The anonymisation itself: one function per kind of record, each working on a whole batch of
cases with a fixed number of queries (bulk UPDATEs), returning the number of rows it changed.

What stays is what the committee's statistics need, and nothing that names a person: cases keep
status, dates, district, age band and owning agency; persons keep gender; life areas keep area,
need and situation codes; notes keep category, contact channel and date; documents are
deleted, file and row; referrals keep offer, status, outcome and dates;
conferences keep their dates, status and participating agencies; consultation contacts keep all
their (anonymous) fields but lose the link to the case. The case number stays: once the person is
anonymised it names nobody, and the data-protection officer's holds and the access log refer to it.

Financial records are in retention.finance (budget law, and the payment journal's MACs)."""

from __future__ import annotations

import logging

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from cases.models import AccessGrant, AccessRequest, Case, CaseEvent, CaseNote, Consent, Person
from casework.models import (
    Appointment,
    Document,
    Goal,
    GoalStep,
    Intake,
    LifeAreaStatus,
    RiskAssessment,
    Situation,
    Task,
)
from conferences.models import AgendaItem, Conference, ConferenceAction, Decision, Guest, Participant
from consultations.models import ConsultationBooking, ConsultationContact
from referrals.models import Referral, Transition

logger = logging.getLogger("notlagen.retention")

# The neutral name an anonymised person keeps: the database requires a name or an alias
# (person_has_name_or_alias). The row's own id makes it unique without naming anybody, so the
# duplicate check never lumps anonymised persons together.
PERSON_PLACEHOLDER = "Anonymisiert"
# An oral consent must name its witness (consent_oral_needs_witness).
WITNESS_PLACEHOLDER = "–"


def intake(case_ids) -> int:
    """First-conversation answers: the typed answers, the household note, the contact
    restrictions, the notes per life area and the risk checklist. Codes and levels stay."""
    return (
        Intake.objects.filter(case_id__in=case_ids).update(immediate_help="", next_steps="", draft={})
        + Situation.objects.filter(case_id__in=case_ids).update(
            household_note="", contact_restrictions=[], children_ages=[]
        )
        + LifeAreaStatus.objects.filter(case_id__in=case_ids).exclude(note="").update(note="")
        + RiskAssessment.objects.filter(case_id__in=case_ids).update(answers={}, reasoning="")
    )


def notes(case_ids, category: str) -> int:
    """The text of the notes of one category. The row stays (category, contact, date: the
    contact statistics), its words go."""
    return CaseNote.objects.filter(case_id__in=case_ids, category=category).exclude(text="").update(text="")


def documents(case_ids) -> int:
    """Delete each stored file, then the document's row: a document holds nothing the statistics
    need, and a row without its file would only be a broken link on the case. The files go
    first, inside the batch's transaction: if the batch rolls back, the rows still name files
    that no longer exist and the next run deletes them again (deleting a missing file is
    harmless); a file never outlives its row."""
    rows = list(Document.objects.filter(case_id__in=case_ids).values_list("pk", "file"))
    storage = Document._meta.get_field("file").storage  # the storage the files were saved to
    for _pk, name in rows:
        if name:
            storage.delete(name)
    Document.objects.filter(pk__in=[pk for pk, _name in rows]).delete()
    return len(rows)


def referrals(case_ids) -> int:
    changed = Referral.objects.filter(case_id__in=case_ids).update(purpose="", message="", reason_note="")
    Transition.objects.filter(referral__case_id__in=case_ids).exclude(note="").update(note="")
    return changed


def conferences(case_ids) -> int:
    """Minutes, purpose and everything typed about the case; dates, status and the list of
    participating agencies stay (conferences held, by agency)."""
    changed = Conference.objects.filter(case_id__in=case_ids).update(
        title="", purpose="", minutes="", minutes_draft="", place="", video_link=""
    )
    of_case = {"conference__case_id__in": case_ids}
    Guest.objects.filter(**of_case).update(name="", organisation="")
    AgendaItem.objects.filter(**of_case).update(title="")
    Decision.objects.filter(**of_case).update(text="")
    ConferenceAction.objects.filter(**of_case).update(text="")
    Participant.objects.filter(**of_case).exclude(withdraw_reason="").update(withdraw_reason="")
    return changed


def case_file(case_ids) -> int:
    """The case's own words and everything typed on it that no part's rule covers: reason for
    contact, summary, reason for closing, the timeline's data, tasks, appointments, the plan,
    sharing purposes; consultation contacts and bookings lose their link to the case."""
    changed = Case.objects.filter(pk__in=case_ids).update(title="", summary="", closed_reason="")
    CaseEvent.objects.filter(case_id__in=case_ids).update(data={})
    Task.objects.filter(case_id__in=case_ids).update(title="")
    Appointment.objects.filter(case_id__in=case_ids).update(place="", with_whom="", note="")
    Goal.objects.filter(case_id__in=case_ids).update(title="")
    GoalStep.objects.filter(goal__case_id__in=case_ids).update(text="")
    AccessGrant.objects.filter(case_id__in=case_ids).update(purpose="", revoke_reason="")
    AccessRequest.objects.filter(case_id__in=case_ids).update(purpose="", decision_note="")
    ConsultationBooking.objects.filter(case_id__in=case_ids).update(label="", case=None)
    ConsultationContact.objects.filter(case_id__in=case_ids).update(case=None)
    return changed


def persons(person_ids) -> int:
    """Names, birth date and phonetic keys; the consents' free text. Gender stays. The owning
    agency stays (it registered the person: a statistic, not a name)."""
    changed = Person.objects.filter(pk__in=person_ids).update(
        given_name="",
        family_name="",
        alias=Concat(Value(PERSON_PLACEHOLDER + " "), Cast("pk", CharField())),
        birth_date=None,
        family_phonetic="",
        given_phonetic="",
    )
    consents = Consent.objects.filter(person_id__in=person_ids)
    consents.filter(given_how=Consent.GivenHow.ORAL).update(purpose="", witness=WITNESS_PLACEHOLDER, withdrawal_note="")
    consents.exclude(given_how=Consent.GivenHow.ORAL).update(purpose="", witness="", withdrawal_note="")
    return changed


def consultation_contacts(before) -> int:
    """Contacts in consultation hours older than the period lose their link to a case; bookings
    older than it lose label and case. The rows stay: they are the consultation-hour counts.
    Cases on hold keep their links."""
    from .models import LegalHold

    held = LegalHold.objects.active().values("case_id")
    changed = (
        ConsultationContact.objects.filter(date__lt=before, case__isnull=False)
        .exclude(case_id__in=held)
        .update(case=None)
    )
    changed += (
        ConsultationBooking.objects.filter(date__lt=before)
        .exclude(case_id__in=held)
        .exclude(label="", case__isnull=True)
        .update(label="", case=None)
    )
    return changed
