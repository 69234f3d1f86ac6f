"""The first conversation: starting it (with the case), its drafts, the reason step and completion."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.case_access import CaseAccess, access_for
from access.decide import require, require_in
from access.rules import Action
from agencies.models import Agency
from cases import timeline
from cases.access_sync import case_touch
from cases.models import Case, ContactChannel, Person, Visibility
from cases.services import ConcurrentEditError, case_open

from ..models import Intake, Situation, Urgency


def _way_of_contact_errors(contact_channel: str, urgency: str) -> dict:
    errors = {}
    if contact_channel not in ContactChannel.values:
        errors["contact_channel"] = _("Please choose the way of contact.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Please choose the urgency.")
    return errors


@transaction.atomic
def intake_start(
    *,
    actor,
    agency: Agency,
    person: Person,
    title: str,
    contact_channel: str,
    urgency: str = Urgency.NORMAL,
    district=None,
) -> Intake:
    """Open the case at the start of the conversation, so every step is saved on a record the
    access model already protects (a draft is never personal data outside a case)."""
    require_in(actor, Action.INTAKE_START, agency)
    require(actor, Action.INTAKE_START_FOR_PERSON, person)
    if errors := _way_of_contact_errors(contact_channel, urgency):
        raise ValidationError(errors)
    case = case_open(actor=actor, agency=agency, person=person, title=title, district=district)
    return _intake_begin(access_for(actor, case), contact_channel=contact_channel, urgency=urgency)


@transaction.atomic
def intake_begin(*, actor, case, contact_channel: str, urgency: str = Urgency.NORMAL) -> Intake:
    """Begin the first conversation on a case of the actor's agency that was opened without one."""
    access = access_for(actor, case)
    access.require(Action.INTAKE_CONDUCT)
    if errors := _way_of_contact_errors(contact_channel, urgency):
        raise ValidationError({"contact_channel": next(iter(errors.values()))})
    return _intake_begin(access, contact_channel=contact_channel, urgency=urgency)


def _intake_begin(access: CaseAccess, *, contact_channel: str, urgency: str) -> Intake:
    case = access.case
    if Intake.objects.filter(case=case).exists():
        raise ValidationError({"__all__": _("This case already has a first conversation.")})
    Situation.objects.get_or_create(case=case)
    intake = Intake.objects.create(case=case, contact_channel=contact_channel, urgency=urgency, started_by=access.user)
    access.report(action="create", object_type="intake", object_ids=[intake.pk])
    return intake


def owned_intake(actor, case) -> tuple[CaseAccess, Intake]:
    """The conversation of a case, locked, for the owning agency's workers who conduct it."""
    access = access_for(actor, case)
    access.require(Action.INTAKE_CONDUCT)
    return access, Intake.objects.select_for_update().get(case=access.case)


@transaction.atomic
def intake_draft_save(*, actor, case, step: str, data: dict) -> None:
    """Keep what was typed into a step, valid or not, so a closed browser loses nothing."""
    access, intake = owned_intake(actor, case)
    if intake.status != Intake.Status.DRAFT:
        return
    intake.draft = {**intake.draft, step: data}
    intake.last_step = step
    intake.save(update_fields=["draft", "last_step"])
    access.report(action="change", object_type="intake", object_ids=[intake.pk])


def clear_draft(intake: Intake, step: str) -> None:
    intake.draft = {k: v for k, v in intake.draft.items() if k != step}
    intake.last_step = step
    intake.save(update_fields=["draft", "last_step"])


@transaction.atomic
def intake_reason_save(
    *, actor, case, version: int, title: str, summary: str, contact_channel: str, urgency: str
) -> Case:
    access, intake = owned_intake(actor, case)
    case = access.case
    errors = _way_of_contact_errors(contact_channel, urgency)
    if not title.strip():
        errors["title"] = _("Please state the reason for contact.")
    if errors:
        raise ValidationError(errors)
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        title=title.strip(), summary=summary.strip(), version=F("version") + 1
    )
    if not updated:
        raise ConcurrentEditError(Case.objects.get(pk=case.pk))
    case_touch(case.pk)
    intake.contact_channel, intake.urgency = contact_channel, urgency
    intake.save(update_fields=["contact_channel", "urgency"])
    clear_draft(intake, "anliegen")
    access.report(action="change", object_type="case", object_ids=[case.pk])
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def intake_complete(*, actor, case, immediate_help: str, next_steps: str) -> Intake:
    access, intake = owned_intake(actor, case)
    case = access.case
    if intake.status == Intake.Status.COMPLETED:
        raise ValidationError({"__all__": _("This first conversation has already been completed.")})
    if not next_steps.strip():
        raise ValidationError({"next_steps": _("Please note the next steps you agreed on.")})
    intake.immediate_help, intake.next_steps = immediate_help.strip(), next_steps.strip()
    intake.status, intake.completed_at, intake.draft = Intake.Status.COMPLETED, timezone.now(), {}
    intake.save()
    if case.status == Case.Status.OPEN:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.ACTIVE, version=F("version") + 1)
    case_touch(case.pk)
    timeline.record(
        case=case,
        kind="intake_completed",
        visibility=Visibility.BASIC,
        actor=actor,
        agency_id=case.owner_agency_id,
        ref_id=intake.pk,
        channel=intake.contact_channel,
    )
    access.report(action="change", object_type="intake", object_ids=[intake.pk])
    return intake
