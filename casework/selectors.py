"""Reads of the case workspace. Every function takes the user's CaseAccess (which checked and
logged the access to the case itself) and returns only what the user's scope and role allow;
the lists log the rows they return (access.reporting)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as CaseWhen
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from access import events
from access.case_access import CaseAccess, case_access
from access.errors import NotFound, as_int
from access.reporting import list_report
from access.rules import Action, rule
from agencies.selectors import case_agencies_of, role_permissions_in
from cases.access_sync import permission_ids
from cases.models import AccessGrant, CaseEvent, CaseGroupObjectPermission, CaseNote, Consent
from cases.scopes import NOTE_CATEGORY_PERMISSION, NoteCategory
from cases.selectors import cases_visible_to

from .life_areas import AREAS, LifeArea, Need
from .models import Appointment, Document, Goal, GoalStep, Intake, LifeAreaStatus, RiskAssessment, Situation, Task

TIMELINE_PAGE_SIZE = 30


def _reported(queryset, access: CaseAccess, object_type: str, action: str = "list"):
    return queryset.reported_to(
        access.user, object_type=object_type, action=action, case=access, agency_id=access.acting_agency_id
    )


@dataclass
class AreaRow:
    spec: object
    status: LifeAreaStatus | None


def situation_of(*, access: CaseAccess) -> tuple[Situation | None, list[AreaRow]]:
    """Household and contact restrictions (basic) and the life areas the user may read."""
    readable = set(access.readable_categories)
    situation = Situation.objects.filter(case=access.case).first()
    rows = _reported(LifeAreaStatus.objects.filter(case=access.case, category__in=readable), access, "life_area")
    statuses = {s.area: s for s in rows}
    return situation, [AreaRow(spec, statuses.get(spec.area)) for spec in AREAS if spec.category in readable]


def situation_for(*, access: CaseAccess) -> Situation:
    """Household and restrictions of a case with a first conversation (created with it). The
    case read that precedes it is already in the access log."""
    return Situation.objects.get(case=access.case)


def life_area_statuses_of(*, access: CaseAccess, areas) -> dict[str, LifeAreaStatus]:
    """Saved statuses of some life areas the user may read (for the conversation's steps)."""
    rows = LifeAreaStatus.objects.filter(case=access.case, area__in=areas, category__in=access.readable_categories)
    return {s.area: s for s in _reported(rows, access, "life_area")}


def intake_of(*, access: CaseAccess) -> Intake | None:
    """The case's first conversation. Its free text (help given, next steps) is the owning
    agency's: it is reported as read where it is shown, to the owning agency."""
    intake = Intake.objects.filter(case=access.case).select_related("started_by").first()
    if intake is not None and access.allows(Action.INTAKE_READ):
        access.report(action="view", object_type="intake", object_ids=[intake.pk])
    return intake


def tasks_of(*, access: CaseAccess, open_only: bool = False) -> list[Task]:
    queryset = Task.objects.filter(case=access.case, category__in=access.readable_categories).select_related("assignee")
    if open_only:
        queryset = queryset.filter(done_at=None)
    return list(_reported(queryset, access, "task"))


def appointments_of(*, access: CaseAccess, upcoming_only: bool = False) -> list[Appointment]:
    queryset = Appointment.objects.filter(case=access.case, category__in=access.readable_categories)
    if upcoming_only:
        queryset = queryset.filter(cancelled_at=None, starts_at__gte=timezone.now())
    return list(_reported(queryset, access, "appointment"))


def _documents_readable(access: CaseAccess):
    """Documents of readable categories; signed consents only for those who keep consents."""
    queryset = Document.objects.filter(case=access.case, category__in=access.readable_categories)
    if not access.allows(Action.CONSENT_DOCUMENTS_VIEW):
        queryset = queryset.filter(consent__isnull=True)
    return queryset


def documents_of(*, access: CaseAccess) -> list[Document]:
    return list(
        _reported(_documents_readable(access).select_related("uploaded_by").defer("sha256"), access, "document")
    )


def document_get_for(*, user, case_id, document_id) -> tuple[CaseAccess, Document]:
    """A document the user may open: the case's scope and the user's role must allow its
    category. Anything else is NotFound, logged as denied."""
    access = case_access(user=user, case_id=case_id)
    document = _documents_readable(access).filter(pk=as_int(document_id, object_type="document")).first()
    if document is None:
        events.denied(actor=user, object_type="document", object_id=document_id, case_id=access.pk)
        raise NotFound("document", document_id)
    access.report(action="view", object_type="document", object_ids=[document.pk])
    return access, document


def goals_of(*, access: CaseAccess) -> list[Goal]:
    queryset = Goal.objects.filter(case=access.case, category__in=access.readable_categories).prefetch_related(
        Prefetch("steps", queryset=GoalStep.objects.order_by("pk"))
    )
    return list(_reported(queryset, access, "goal"))


def record_get_for(*, access: CaseAccess, model, record_id):
    """A task, appointment, goal or goal step of the case in a category the user may read."""
    field = "goal__category__in" if model is GoalStep else "category__in"
    case_field = "goal__case" if model is GoalStep else "case"
    record = (
        (model.objects.select_related("goal") if model is GoalStep else model.objects.all())
        .filter(
            pk=as_int(record_id, object_type=model._meta.model_name),
            **{case_field: access.case, field: access.readable_categories},
        )
        .first()
    )
    if record is None:
        object_type = model._meta.model_name
        events.denied(actor=access.user, object_type=object_type, object_id=record_id, case_id=access.pk)
        raise NotFound(object_type, record_id)
    return record


def active_sharing_of(*, access: CaseAccess) -> tuple[list[AccessGrant], list[Consent]]:
    """Who can see the case now and on which consents (for those who manage sharing)."""
    if not access.allows(Action.SHARING_VIEW):
        return [], []
    grants = (
        AccessGrant.objects.in_force().filter(case=access.case).select_related("grantee_agency", "consent", "statute")
    )
    consents = Consent.objects.filter(
        person_id=access.case.person_id, withdrawn_at=None, valid_until__gte=timezone.localdate()
    ).select_related("text")
    return (
        list(_reported(grants.order_by("grantee_agency__name", "scope"), access, "grant")),
        list(_reported(consents.prefetch_related("agencies"), access, "consent")),
    )


# --- the timeline ------------------------------------------------------------------------------


def timeline_page(*, access: CaseAccess, before: str | None = None, size: int = TIMELINE_PAGE_SIZE):
    """Newest first, `size` entries older than the cursor "<iso time>_<id>"; returns the entries
    (their records attached as `.record`) and the cursor of the next page (None at the end)."""
    queryset = CaseEvent.objects.filter(case=access.case, visibility__in=access.timeline_visibilities).select_related(
        "actor", "agency"
    )
    if before:
        at, _, pk = before.rpartition("_")
        try:
            moment = timezone.datetime.fromisoformat(at)
            queryset = queryset.filter(Q(at__lt=moment) | Q(at=moment, pk__lt=int(pk)))
        except ValueError:
            raise NotFound("timeline") from None
    # One row more than shown tells whether there is a next page; only the shown rows are logged.
    events_ = list(queryset.order_by("-at", "-pk")[: size + 1])
    more = len(events_) > size
    events_ = events_[:size]
    list_report(access.user, object_type="timeline", case=access, agency_id=access.acting_agency_id)(events_)
    _attach_records(events_, access)
    cursor = f"{events_[-1].at.isoformat()}_{events_[-1].pk}" if more else None
    return events_, cursor


# What each kind of timeline entry refers to, to show its words.
_RECORDS = {
    "note": CaseNote,
    "task": Task,
    "task_done": Task,
    "appointment": Appointment,
    "appointment_cancelled": Appointment,
    "document": Document,
    "goal": Goal,
    "goal_achieved": Goal,
    "goal_dropped": Goal,
    "intake_completed": Intake,
}
# The relation each record's words name (the note's author, the task's assignee).
_RELATED = {CaseNote: ("author",), Task: ("assignee",)}


def _attach_records(events_: list[CaseEvent], access: CaseAccess) -> None:
    """One query per kind of record on the page, not one per entry; notes shown are logged."""
    wanted: dict[type, set[int]] = {}
    for event in events_:
        if event.kind in _RECORDS and event.ref_id:
            wanted.setdefault(_RECORDS[event.kind], set()).add(event.ref_id)
    loaded = {}
    for model, ids in wanted.items():
        queryset = model.objects.filter(pk__in=ids)
        if model in _RELATED:  # select_related() without names would join every relation
            queryset = queryset.select_related(*_RELATED[model])
        if model is CaseNote:
            queryset = _reported(queryset, access, "note")
        loaded[model] = {row.pk: row for row in queryset}
    for event in events_:
        event.record = loaded.get(_RECORDS.get(event.kind), {}).get(event.ref_id)


# --- home page ---------------------------------------------------------------------------------


def _readable_task_condition(user) -> Q:
    """Per agency of the user: tasks of the categories its role there may read (access.rules,
    NOTE_READ) on cases where that agency holds the category's scope now. A role in one agency
    never combines with another agency's scope."""
    now = timezone.now()
    read = rule(Action.NOTE_READ)
    condition = Q(pk__in=[])
    for agency in case_agencies_of(user):
        roles = role_permissions_in(user, agency.pk)
        readable = [c for c in NoteCategory.values if all(need & roles for need in read.needs(c)[0])]
        if not readable or not agency.group_id:
            continue
        rows_of_agency = CaseGroupObjectPermission.objects.filter(
            group_id=agency.group_id,
            valid_from__lte=now,
            valid_until__gt=now,
            content_object=OuterRef("case_id"),
            permission_id=OuterRef("needed_permission"),
        )
        condition |= Q(category__in=readable) & Q(Exists(rows_of_agency))
    return condition


def my_open_tasks(*, user, limit: int = 10) -> list[Task]:
    """Open tasks assigned to the user, on cases the user's agencies may still see with the
    task's category (a narrowed or expired grant hides the task too), soonest due first."""
    ids = permission_ids()
    needed = CaseWhen(
        *[When(category=c, then=Value(ids[perm])) for c, perm in NOTE_CATEGORY_PERMISSION.items()],
        default=Value(0),
    )
    rows = list(
        Task.objects.filter(assignee=user, done_at=None)
        .annotate(needed_permission=needed)
        .filter(_readable_task_condition(user))
        .select_related("case")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )
    if rows:
        events.report(
            actor=user,
            action="list",
            object_type="task",
            object_ids=[t.pk for t in rows],
            case_ids=sorted({t.case_id for t in rows}),
            person_ids=sorted({t.case.person_id for t in rows}),
        )
    return rows


def my_intake_drafts(*, user) -> list[Intake]:
    """First conversations the user started and has not completed (to resume them)."""
    rows = list(
        Intake.objects.filter(started_by=user, status=Intake.Status.DRAFT, case__in=cases_visible_to(user=user))
        .select_related("case", "case__person")
        .order_by("-started_at")[:10]
    )
    if rows:
        events.report(
            actor=user,
            action="list",
            object_type="case",
            object_ids=[i.case_id for i in rows],
            case_ids=[i.case_id for i in rows],
            person_ids=[i.case.person_id for i in rows],
        )
    return rows


def consents_recorded_in(*, access: CaseAccess, since) -> list[Consent]:
    """The consents given in this conversation (shown on its consent step)."""
    queryset = Consent.objects.filter(
        person_id=access.case.person_id, recorded_by_agency_id=access.case.owner_agency_id, given_at__gte=since
    ).select_related("text")
    return list(_reported(queryset.prefetch_related("agencies"), access, "consent"))


def risk_assessments_of(*, access: CaseAccess) -> list[RiskAssessment]:
    """The case's risk assessments, newest (the current one) first; [] without the right to read
    violence records. The rows shown are logged."""
    if not access.allows(Action.NOTE_READ, NoteCategory.VIOLENCE):
        return []
    rows = RiskAssessment.objects.filter(case=access.case).select_related("agency", "assessed_by")
    return list(_reported(rows, access, "risk_assessment"))


def current_risk_assessment(*, access: CaseAccess) -> RiskAssessment | None:
    """The newest assessment for those who may read it (logged), so a referral or a conference
    shows it instead of asking again; None otherwise."""
    if not access.allows(Action.NOTE_READ, NoteCategory.VIOLENCE):
        return None
    rows = RiskAssessment.objects.filter(case=access.case).select_related("agency", "assessed_by")[:1]
    return next(iter(_reported(rows, access, "risk_assessment", action="view")), None)


def concerns_violence(*, access: CaseAccess) -> bool:
    """Whether the case's safety life area records a need (seen only with the sensitive scope;
    the read is logged, as the answer shows on the page)."""
    if not access.allows(Action.NOTE_READ, NoteCategory.VIOLENCE):
        return False
    rows = LifeAreaStatus.objects.filter(case=access.case, area=LifeArea.SAFETY).filter(
        Q(need__in=[Need.SUPPORT, Need.URGENT]) | Q(flag=True)
    )
    return bool(list(_reported(rows, access, "life_area", action="view")))


def risk_assessment_shown_to(*, user, case_id: int) -> RiskAssessment | None:
    """The current assessment for a page outside the workspace (a referral): only where the user
    may open the case and read violence records now; nothing and nothing logged otherwise."""
    try:
        access = case_access(user=user, case_id=case_id, report=False, log_refusal=False)
    except NotFound:
        return None
    return current_risk_assessment(access=access)
