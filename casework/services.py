"""Writes of the case workspace: the first conversation, the situation, tasks, appointments,
documents, the case plan and handover. One function per use case, one transaction each; each
change is reported to the access log and written to the case's timeline. `case` arguments come
from cases.selectors.case_get_for and carry the acting user's permissions on the case."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from agencies.selectors import has_perm_in, members_with_perm_in
from cases import timeline
from cases.access_sync import case_touch
from cases.forms import end_of_day
from cases.grants import consent_record, grant_create
from cases.models import Case, Consent, ContactChannel, Person, Visibility
from cases.scopes import NoteCategory
from cases.selectors import NOTE_CATEGORY_ROLE_PERMISSION, note_categories_for
from cases.services import ConcurrentEditError, case_open, note_add
from notifications.services import notify
from notlagen import access_events

from . import permissions
from .documents import check_upload
from .life_areas import AREA_BY_CODE, ContactRestriction, Need
from .models import Appointment, Document, Goal, GoalStep, Intake, LifeAreaStatus, Situation, Task, Urgency

MAX_CHILD_AGE = 17
MAX_ADULTS = 20


def _report(actor, case: Case, action: str, object_type: str, object_id: int) -> None:
    access_events.report(
        actor=actor,
        action=action,
        object_type=object_type,
        object_ids=[object_id],
        case_ids=[case.pk],
        person_ids=[case.person_id],
    )


def _require(agency_id: int | None) -> int:
    if agency_id is None:
        raise PermissionDenied
    return agency_id


# --- the first conversation -------------------------------------------------------------------


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
    if not has_perm_in(actor, agency.pk, "casework.add_intake"):
        raise PermissionDenied
    errors = {}
    if contact_channel not in ContactChannel.values:
        errors["contact_channel"] = _("Please choose the way of contact.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Please choose the urgency.")
    if errors:
        raise ValidationError(errors)
    case = case_open(actor=actor, agency=agency, person=person, title=title, district=district)
    return intake_begin(actor=actor, case=case, contact_channel=contact_channel, urgency=urgency, _checked=True)


@transaction.atomic
def intake_begin(
    *, actor, case: Case, contact_channel: str, urgency: str = Urgency.NORMAL, _checked: bool = False
) -> Intake:
    """Begin the first conversation on a case of the actor's agency (opened just now by
    intake_start, or earlier without one)."""
    if not _checked:
        if not permissions.can_conduct_intake(actor, case):
            raise PermissionDenied
        if contact_channel not in ContactChannel.values or urgency not in Urgency.values:
            raise ValidationError({"contact_channel": _("Please choose the way of contact.")})
    if Intake.objects.filter(case=case).exists():
        raise ValidationError({"__all__": _("This case already has a first conversation.")})
    Situation.objects.get_or_create(case=case)
    intake = Intake.objects.create(case=case, contact_channel=contact_channel, urgency=urgency, started_by=actor)
    _report(actor, case, "create", "intake", intake.pk)
    return intake


def _owned_intake(actor, case: Case) -> Intake:
    if not permissions.can_conduct_intake(actor, case):
        raise PermissionDenied
    return Intake.objects.select_for_update().get(case=case)


@transaction.atomic
def intake_draft_save(*, actor, case: Case, step: str, data: dict) -> None:
    """Keep what was typed into a step, valid or not, so a closed browser loses nothing."""
    intake = _owned_intake(actor, case)
    if intake.status != Intake.Status.DRAFT:
        return
    intake.draft = {**intake.draft, step: data}
    intake.last_step = step
    intake.save(update_fields=["draft", "last_step"])
    _report(actor, case, "change", "intake", intake.pk)


def _clear_draft(intake: Intake, step: str) -> None:
    intake.draft = {k: v for k, v in intake.draft.items() if k != step}
    intake.last_step = step
    intake.save(update_fields=["draft", "last_step"])


@transaction.atomic
def intake_reason_save(
    *, actor, case: Case, version: int, title: str, summary: str, contact_channel: str, urgency: str
) -> Case:
    intake = _owned_intake(actor, case)
    errors = {}
    if not title.strip():
        errors["title"] = _("Please state the reason for contact.")
    if contact_channel not in ContactChannel.values:
        errors["contact_channel"] = _("Please choose the way of contact.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Please choose the urgency.")
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
    _clear_draft(intake, "anliegen")
    _report(actor, case, "change", "case", case.pk)
    return Case.objects.get(pk=case.pk)


class SituationConflict(Exception):
    def __init__(self, current: Situation):
        super().__init__("The situation was changed by someone else.")
        self.current = current


def _parse_ages(children_ages) -> list[int]:
    ages = []
    for part in str(children_ages or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > MAX_CHILD_AGE:
            raise ValidationError(
                {"children_ages": _("Please enter the ages of the children as numbers from 0 to 17, e.g. 3, 7.")}
            )
        ages.append(int(part))
    return sorted(ages)


@transaction.atomic
def situation_update(
    *,
    actor,
    case: Case,
    version: int,
    adults: int | None = None,
    children_ages=None,
    household_note: str | None = None,
    contact_restrictions: list[str] | None = None,
    areas: dict[str, dict] | None = None,
    step: str = "",
) -> Situation:
    """Household, contact restrictions and life areas, refused if someone changed the situation
    since `version` was read. Only areas whose category the actor may read are written."""
    if not permissions.can_conduct_intake(actor, case):
        raise PermissionDenied
    situation, _created = Situation.objects.select_for_update().get_or_create(case=case)
    if situation.version != version:
        raise SituationConflict(situation)
    errors = {}
    if adults is not None:
        if not 0 <= adults <= MAX_ADULTS:
            errors["adults"] = _("Please enter a number from 0 to %(n)d.") % {"n": MAX_ADULTS}
        situation.adults = adults
    if children_ages is not None:
        try:
            situation.children_ages = _parse_ages(children_ages)
        except ValidationError as error:
            errors.update(error.message_dict)
    if adults is not None and situation.adults == 0 and not situation.children_ages:
        errors["adults"] = _("A household has at least one person.")
    if household_note is not None:
        situation.household_note = household_note.strip()[:300]
    if contact_restrictions is not None:
        if not set(contact_restrictions) <= set(ContactRestriction.values):
            errors["contact_restrictions"] = _("Please choose from the list.")
        situation.contact_restrictions = sorted(set(contact_restrictions))
    if errors:
        raise ValidationError(errors)
    situation.version += 1
    situation.save()
    for area, values in (areas or {}).items():
        _life_area_save(actor, case, area, values)
    case_touch(case.pk)
    if step:
        _clear_draft(Intake.objects.get(case=case), step)
    _report(actor, case, "change", "situation", situation.pk)
    return situation


def _life_area_save(actor, case: Case, area: str, values: dict) -> None:
    spec = AREA_BY_CODE[area]
    if spec.category not in note_categories_for(user=actor, case=case):
        raise PermissionDenied
    if values.get("need") not in Need.values:
        raise ValidationError({f"{area}-need": _("Please choose the need.")})
    if values.get("situation") and values["situation"] not in dict(spec.situations):
        raise ValidationError({f"{area}-situation": _("Please choose from the list.")})
    LifeAreaStatus.objects.update_or_create(
        case=case,
        area=area,
        defaults={
            "category": spec.category,
            "need": values["need"],
            "situation": values.get("situation", ""),
            "flag": bool(values.get("flag")) and spec.flag_label is not None,
            "note": (values.get("note") or "").strip(),
        },
    )


@transaction.atomic
def intake_complete(*, actor, case: Case, immediate_help: str, next_steps: str) -> Intake:
    intake = _owned_intake(actor, case)
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
    _report(actor, case, "change", "intake", intake.pk)
    return intake


# --- tasks, appointments ----------------------------------------------------------------------


def _check_category(category: str) -> None:
    if category not in NoteCategory.values:
        raise ValidationError({"category": _("Please choose a category.")})


@transaction.atomic
def task_add(*, actor, case: Case, title: str, category: str, assignee, due_on=None) -> Task:
    _check_category(category)
    agency_id = _require(permissions.record_agency(actor, case, "task", category))
    errors = {}
    if not title.strip():
        errors["title"] = _("Please describe the task.")
    if assignee is None:
        errors["assignee"] = _("Please choose who is responsible.")
    elif (
        assignee.pk != actor.pk
        and not members_with_perm_in(agency_id=agency_id, perm=NOTE_CATEGORY_ROLE_PERMISSION[category])
        .filter(pk=assignee.pk)
        .exists()
    ):
        errors["assignee"] = _("This colleague cannot take on a task of this category in this case.")
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = _("The due date lies in the past.")
    if errors:
        raise ValidationError(errors)
    task = Task.objects.create(
        case=case,
        category=category,
        title=title.strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=actor,
        agency_id=agency_id,
    )
    case_touch(case.pk)
    timeline.record(case=case, kind="task", visibility=category, actor=actor, agency_id=agency_id, ref_id=task.pk)
    if assignee.pk != actor.pk:
        notify(
            recipients=[assignee],
            kind="casework.task_assigned",
            subject=gettext_lazy("A task in case %(reference)s was assigned to you"),
            params={"reference": case.reference},
            reference=case.reference,
            link=reverse("casework:tasks", args=[case.pk]),
        )
    _report(actor, case, "create", "task", task.pk)
    return task


@transaction.atomic
def task_set_done(*, actor, case: Case, task: Task, done: bool) -> Task:
    _require(permissions.record_agency(actor, case, "task", task.category))
    task = Task.objects.select_for_update().get(pk=task.pk, case=case)
    if done and task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        timeline.record(
            case=case, kind="task_done", visibility=task.category, actor=actor, agency_id=task.agency_id, ref_id=task.pk
        )
    elif not done:
        task.done_at, task.done_by = None, None
    task.save(update_fields=["done_at", "done_by"])
    case_touch(case.pk)
    _report(actor, case, "change", "task", task.pk)
    return task


@transaction.atomic
def appointment_add(
    *, actor, case: Case, starts_at, place: str, category: str, with_whom: str = "", note: str = ""
) -> Appointment:
    _check_category(category)
    agency_id = _require(permissions.record_agency(actor, case, "appointment", category))
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Please enter date and time.")
    elif starts_at < timezone.now() - timedelta(minutes=5):
        errors["starts_at"] = _(
            "The appointment lies in the past. Record a conversation that took place as a note of the contact."
        )
    elif starts_at > timezone.now() + timedelta(days=730):
        errors["starts_at"] = _("Please check the date: it is more than two years ahead.")
    if not place.strip():
        errors["place"] = _("Please enter the place.")
    if errors:
        raise ValidationError(errors)
    appointment = Appointment.objects.create(
        case=case,
        category=category,
        starts_at=starts_at,
        place=place.strip(),
        with_whom=with_whom.strip(),
        note=note.strip(),
        created_by=actor,
        agency_id=agency_id,
    )
    case_touch(case.pk)
    timeline.record(
        case=case, kind="appointment", visibility=category, actor=actor, agency_id=agency_id, ref_id=appointment.pk
    )
    _report(actor, case, "create", "appointment", appointment.pk)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, case: Case, appointment: Appointment) -> Appointment:
    _require(permissions.record_agency(actor, case, "appointment", appointment.category))
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk, case=case)
    if appointment.cancelled_at is None:
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["cancelled_at"])
        timeline.record(
            case=case,
            kind="appointment_cancelled",
            visibility=appointment.category,
            actor=actor,
            agency_id=appointment.agency_id,
            ref_id=appointment.pk,
        )
    _report(actor, case, "change", "appointment", appointment.pk)
    return appointment


# --- documents --------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor, case: Case, title: str, category: str, upload, consent: Consent | None = None) -> Document:
    """Store an upload outside the web root after checking size, type (by content) and, where a
    scanner is configured, viruses. A failed check stores nothing."""
    _check_category(category)
    agency_id = _require(permissions.record_agency(actor, case, "document", category))
    if not title.strip():
        raise ValidationError({"title": _("Please give the document a title.")})
    checked = check_upload(upload)
    document = Document(
        case=case,
        category=category,
        title=title.strip()[:200],
        token=secrets.token_hex(16),
        original_name=(getattr(upload, "name", "") or "datei")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_result=checked.scan_result,
        consent=consent,
        uploaded_by=actor,
        agency_id=agency_id,
    )
    # The file is written before the row; should the transaction roll back later, the file is
    # an orphan without a row, removed by the daily job (casework.tasks.remove_orphan_files).
    document.file.save(document.token, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    case_touch(case.pk)
    # A signed consent names every agency the case is shared with: the owning agency's only.
    visibility = Visibility.OWNER if consent is not None else category
    timeline.record(
        case=case, kind="document", visibility=visibility, actor=actor, agency_id=agency_id, ref_id=document.pk
    )
    _report(actor, case, "create", "document", document.pk)
    return document


# --- case plan --------------------------------------------------------------------------------


@transaction.atomic
def goal_add(*, actor, case: Case, area: str, title: str) -> Goal:
    spec = AREA_BY_CODE.get(area)
    if spec is None:
        raise ValidationError({"area": _("Please choose the life area.")})
    agency_id = _require(permissions.record_agency(actor, case, "goal", spec.category))
    if not title.strip():
        raise ValidationError({"title": _("Please describe the goal.")})
    goal = Goal.objects.create(case=case, area=area, category=spec.category, title=title.strip(), created_by=actor)
    case_touch(case.pk)
    timeline.record(case=case, kind="goal", visibility=spec.category, actor=actor, agency_id=agency_id, ref_id=goal.pk)
    _report(actor, case, "create", "goal", goal.pk)
    return goal


@transaction.atomic
def goal_set_status(*, actor, case: Case, goal: Goal, status: str) -> Goal:
    agency_id = _require(permissions.record_agency(actor, case, "goal", goal.category))
    if status not in Goal.Status.values:
        raise ValidationError({"status": _("Please choose a status.")})
    goal = Goal.objects.select_for_update().get(pk=goal.pk, case=case)
    if goal.status != status:
        goal.status = status
        goal.save(update_fields=["status"])
        if status != Goal.Status.OPEN:
            timeline.record(
                case=case,
                kind=f"goal_{status}",
                visibility=goal.category,
                actor=actor,
                agency_id=agency_id,
                ref_id=goal.pk,
            )
    case_touch(case.pk)
    _report(actor, case, "change", "goal", goal.pk)
    return goal


@transaction.atomic
def goal_step_add(*, actor, case: Case, goal: Goal, text: str, responsible: str, due_on=None) -> GoalStep:
    _require(permissions.record_agency(actor, case, "goal", goal.category))
    errors = {}
    if not text.strip():
        errors["text"] = _("Please describe the step.")
    if responsible not in GoalStep.Responsible.values:
        errors["responsible"] = _("Please choose who takes this step.")
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = _("The date lies in the past.")
    if errors:
        raise ValidationError(errors)
    step = GoalStep.objects.create(goal=goal, text=text.strip(), responsible=responsible, due_on=due_on)
    case_touch(case.pk)
    _report(actor, case, "create", "goal", goal.pk)
    return step


@transaction.atomic
def goal_step_set_done(*, actor, case: Case, step: GoalStep, done: bool) -> GoalStep:
    _require(permissions.record_agency(actor, case, "goal", step.goal.category))
    step = GoalStep.objects.select_for_update().get(pk=step.pk, goal__case=case)
    step.done_at = (step.done_at or timezone.now()) if done else None
    step.save(update_fields=["done_at"])
    case_touch(case.pk)
    _report(actor, case, "change", "goal", step.goal_id)
    return step


# --- handover ---------------------------------------------------------------------------------


def handover_colleagues(*, actor, case: Case):
    """Who may take the case over: members of the owning agency who may change cases."""
    return members_with_perm_in(agency_id=case.owner_agency_id, perm="cases.change_case").exclude(pk=actor.pk)


@transaction.atomic
def case_hand_over(*, actor, case: Case, version: int, to_user, note: str, stay_assigned: bool = False) -> Case:
    """Give the case to a colleague of the owning agency, with a handover note they will read
    first; the colleague is told through the outbox."""
    if not permissions.can_hand_over(actor, case):
        raise PermissionDenied
    errors = {}
    if to_user is None or not handover_colleagues(actor=actor, case=case).filter(pk=to_user.pk).exists():
        errors["to_user"] = _("Please choose a colleague of your agency.")
    if len(note.strip()) < 10:
        errors["note"] = _("Please write a handover note (at least 10 characters): what is open, what is urgent.")
    if errors:
        raise ValidationError(errors)
    updated = Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1)
    if not updated:
        raise ConcurrentEditError(Case.objects.get(pk=case.pk))
    case_touch(case.pk)
    workers = set(case.assigned_workers.all())
    if not stay_assigned:
        workers.discard(actor)
    workers.add(to_user)
    case.assigned_workers.set(workers)
    if permissions.record_agency(actor, case, "note", NoteCategory.GENERAL):
        handover_note = _("Handover to %(name)s: %(note)s") % {"name": _name(to_user), "note": note.strip()}
        note_add(actor=actor, case=case, category=NoteCategory.GENERAL, text=handover_note)
    timeline.record(
        case=case,
        kind="handover",
        visibility=Visibility.BASIC,
        actor=actor,
        agency_id=case.owner_agency_id,
        to=_name(to_user),
    )
    notify(
        recipients=[to_user],
        kind="casework.handover",
        subject=gettext_lazy("Case %(reference)s was handed over to you"),
        params={"reference": case.reference},
        reference=case.reference,
        link=reverse("cases:detail", args=[case.pk]),
    )
    _report(actor, case, "change", "case", case.pk)
    return Case.objects.get(pk=case.pk)


def _name(user) -> str:
    return user.get_full_name() or user.username


# --- consent within the conversation ----------------------------------------------------------


@transaction.atomic
def intake_consent_give(
    *,
    actor,
    case: Case,
    agencies,
    scopes,
    purpose: str,
    given_how: str,
    text,
    valid_until,
    witness: str = "",
    scan=None,
) -> Consent:
    """Record the consent the person gave in the conversation and share the case accordingly:
    one grant per agency and scope, resting on this consent, for as long as it is valid (at
    most ACCESS_GRANT_MAX_DAYS). With the signed scan, if uploaded. All or nothing."""
    if not permissions.can_conduct_intake(actor, case):
        raise PermissionDenied
    consent = consent_record(
        actor=actor,
        person=case.person,
        agencies=agencies,
        scopes=scopes,
        purpose=purpose,
        given_how=given_how,
        text=text,
        valid_until=valid_until,
        witness=witness,
    )
    if (valid_until - timezone.localdate()).days >= settings.ACCESS_GRANT_MAX_DAYS:
        raise ValidationError(
            {
                "valid_until": _("Access may be granted for at most %(days)d days; please choose an earlier date.")
                % {"days": settings.ACCESS_GRANT_MAX_DAYS - 1}
            }
        )
    for agency in agencies:
        for scope in scopes:
            grant_create(
                actor=actor,
                case=case,
                grantee_agency=agency,
                scope=scope,
                purpose=purpose,
                valid_until=end_of_day(valid_until),
                consent=consent,
            )
    if scan:
        document_add(
            actor=actor,
            case=case,
            title=_("Signed consent of %(date)s") % {"date": timezone.localdate().strftime("%d.%m.%Y")},
            category=NoteCategory.GENERAL,
            upload=scan,
            consent=consent,
        )
    return consent
