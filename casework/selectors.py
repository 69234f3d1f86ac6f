"""Reads of the case workspace. Every function takes a case as returned by
cases.selectors.case_get_for (which checked and logged the access to the case itself) and
returns only what the user's scope and role allow, reporting what it shows to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case as CaseWhen
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from agencies.selectors import case_agencies_of, has_perm_in
from cases import permissions as case_permissions
from cases.access_sync import permission_ids
from cases.models import AccessGrant, Case, CaseEvent, CaseGroupObjectPermission, CaseNote, Consent
from cases.scopes import NOTE_CATEGORY_PERMISSION
from cases.selectors import (
    NOTE_CATEGORY_ROLE_PERMISSION,
    CaseNotFound,
    case_get_for,
    cases_visible_to,
    note_categories_for,
    persons_visible_to,
    timeline_visibilities_for,
)
from notlagen import access_events

from .life_areas import AREAS
from .models import Appointment, Document, Goal, GoalStep, Intake, LifeAreaStatus, Situation, Task

TIMELINE_PAGE_SIZE = 30


def _report(user, case: Case, object_type: str, ids: list[int], action: str = "list") -> None:
    if ids:
        access_events.report(
            actor=user,
            action=action,
            object_type=object_type,
            object_ids=ids,
            case_ids=[case.pk],
            person_ids=[case.person_id],
        )


@dataclass
class AreaRow:
    spec: object
    status: LifeAreaStatus | None


def situation_of(*, user, case: Case) -> tuple[Situation | None, list[AreaRow]]:
    """Household and contact restrictions (basic) and the life areas the user may read."""
    readable = set(note_categories_for(user=user, case=case))
    situation = Situation.objects.filter(case=case).first()
    statuses = {s.area: s for s in LifeAreaStatus.objects.filter(case=case, category__in=readable)}
    rows = [AreaRow(spec, statuses.get(spec.area)) for spec in AREAS if spec.category in readable]
    _report(user, case, "life_area", [s.pk for s in statuses.values()])
    return situation, rows


def situation_for(*, case: Case) -> Situation:
    """Household and restrictions of a case with a first conversation (created with it). The
    case read that precedes it is already in the access log."""
    return Situation.objects.get(case=case)


def life_area_statuses_of(*, user, case: Case, areas) -> dict[str, LifeAreaStatus]:
    """Saved statuses of some life areas the user may read (for the conversation's steps)."""
    readable = note_categories_for(user=user, case=case)
    rows = {s.area: s for s in LifeAreaStatus.objects.filter(case=case, area__in=areas, category__in=readable)}
    _report(user, case, "life_area", [s.pk for s in rows.values()])
    return rows


def intake_of(*, user, case: Case) -> Intake | None:
    """The case's first conversation; its free text (help given, next steps) is the owning
    agency's, so it is reported as read only where it is shown (owners)."""
    intake = Intake.objects.filter(case=case).select_related("started_by").first()
    if intake is not None and case.is_owned:
        _report(user, case, "intake", [intake.pk], action="view")
    return intake


def tasks_of(*, user, case: Case, open_only: bool = False) -> list[Task]:
    queryset = Task.objects.filter(case=case, category__in=note_categories_for(user=user, case=case)).select_related(
        "assignee"
    )
    if open_only:
        queryset = queryset.filter(done_at=None)
    rows = list(queryset)
    _report(user, case, "task", [t.pk for t in rows])
    return rows


def appointments_of(*, user, case: Case, upcoming_only: bool = False) -> list[Appointment]:
    queryset = Appointment.objects.filter(case=case, category__in=note_categories_for(user=user, case=case))
    if upcoming_only:
        queryset = queryset.filter(cancelled_at=None, starts_at__gte=timezone.now())
    rows = list(queryset)
    _report(user, case, "appointment", [a.pk for a in rows])
    return rows


def _documents_readable(user, case: Case):
    """Documents of readable categories; signed consents only for those who keep consents."""
    queryset = Document.objects.filter(case=case, category__in=note_categories_for(user=user, case=case))
    if not case_permissions.can_manage_consent(user, case):
        queryset = queryset.filter(consent__isnull=True)
    return queryset


def documents_of(*, user, case: Case) -> list[Document]:
    rows = list(_documents_readable(user, case).select_related("uploaded_by").defer("sha256"))
    _report(user, case, "document", [d.pk for d in rows])
    return rows


def document_get_for(*, user, case_id, document_id) -> tuple[Case, Document]:
    """A document the user may open: the case's scope and the user's role must allow its
    category. Anything else is CaseNotFound, logged as denied."""
    case = case_get_for(user=user, case_id=case_id)
    try:
        document = _documents_readable(user, case).get(pk=int(document_id))
    except (Document.DoesNotExist, TypeError, ValueError):
        document = None
    if document is None:
        access_events.denied(actor=user, object_type="document", object_id=document_id, action="view")
        raise CaseNotFound
    _report(user, case, "document", [document.pk], action="view")
    return case, document


def goals_of(*, user, case: Case) -> list[Goal]:
    rows = list(
        Goal.objects.filter(case=case, category__in=note_categories_for(user=user, case=case)).prefetch_related(
            Prefetch("steps", queryset=GoalStep.objects.order_by("pk"))
        )
    )
    _report(user, case, "goal", [g.pk for g in rows])
    return rows


def goal_get_for(*, user, case: Case, goal_id) -> Goal:
    goal = Goal.objects.filter(
        pk=_int(goal_id), case=case, category__in=note_categories_for(user=user, case=case)
    ).first()
    if goal is None:
        access_events.denied(actor=user, object_type="goal", object_id=goal_id, action="change")
        raise CaseNotFound
    return goal


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CaseNotFound from None


def record_get_for(*, user, case: Case, model, record_id, **extra):
    """A task, appointment or goal step of the case in a category the user may read."""
    field = "goal__category__in" if model is GoalStep else "category__in"
    case_field = "goal__case" if model is GoalStep else "case"
    record = model.objects.filter(
        pk=_int(record_id), **{case_field: case, field: note_categories_for(user=user, case=case)}, **extra
    ).first()
    if record is None:
        access_events.denied(actor=user, object_type=model._meta.model_name, object_id=record_id, action="change")
        raise CaseNotFound
    return record


def active_sharing_of(*, user, case: Case) -> tuple[list[AccessGrant], list[Consent]]:
    """Who can see the case now and on which consents (for those who manage sharing)."""
    now = timezone.now()
    grants = list(
        AccessGrant.objects.filter(case=case, revoked_at=None, valid_from__lte=now, valid_until__gt=now)
        .select_related("grantee_agency", "consent", "statute")
        .order_by("grantee_agency__name", "scope")
    )
    consents = list(
        Consent.objects.filter(person_id=case.person_id, withdrawn_at=None, valid_until__gte=timezone.localdate())
        .select_related("text")
        .prefetch_related("agencies")
    )
    _report(user, case, "grant", [g.pk for g in grants])
    _report(user, case, "consent", [c.pk for c in consents])
    return grants, consents


# --- the timeline ------------------------------------------------------------------------------


def timeline_page(*, user, case: Case, before: str | None = None, size: int = TIMELINE_PAGE_SIZE):
    """Newest first, `size` entries older than the cursor "<iso time>_<id>"; returns the entries
    (notes attached as `.note`) and the cursor of the next page (None at the end)."""
    queryset = CaseEvent.objects.filter(
        case=case, visibility__in=timeline_visibilities_for(user=user, case=case)
    ).select_related("actor", "agency")
    if before:
        at, _, pk = before.rpartition("_")
        try:
            moment = timezone.datetime.fromisoformat(at)
            queryset = queryset.filter(Q(at__lt=moment) | Q(at=moment, pk__lt=int(pk)))
        except ValueError:
            raise CaseNotFound from None
    events = list(queryset.order_by("-at", "-pk")[: size + 1])
    more = len(events) > size
    events = events[:size]
    _attach_records(events)
    _report(user, case, "timeline", [e.pk for e in events])
    note_ids = [e.ref_id for e in events if e.kind == "note"]
    _report(user, case, "note", note_ids)
    cursor = f"{events[-1].at.isoformat()}_{events[-1].pk}" if more else None
    return events, cursor


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


def _attach_records(events: list[CaseEvent]) -> None:
    """One query per kind of record on the page, not one per entry."""
    wanted: dict[type, set[int]] = {}
    for event in events:
        if event.kind in _RECORDS and event.ref_id:
            wanted.setdefault(_RECORDS[event.kind], set()).add(event.ref_id)
    loaded = {
        model: model.objects.select_related(*_RELATED.get(model, ())).in_bulk(ids) for model, ids in wanted.items()
    }
    for event in events:
        event.record = loaded.get(_RECORDS.get(event.kind), {}).get(event.ref_id)


# --- home page ---------------------------------------------------------------------------------


def my_open_tasks(*, user, limit: int = 10) -> list[Task]:
    """Open tasks assigned to the user, on cases the user's agencies may still see with the
    task's category (a narrowed or expired grant hides the task too), soonest due first."""
    # Per agency: the categories the user's role there may read, and that agency's rows for the
    # category's permission. A role in one agency never combines with another agency's scope.
    now = timezone.now()
    ids = permission_ids()
    condition = Q(pk__in=[])
    for agency in case_agencies_of(user):
        readable = [
            category
            for category, role_perm in NOTE_CATEGORY_ROLE_PERMISSION.items()
            if has_perm_in(user, agency.pk, role_perm)
        ]
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
    needed = CaseWhen(
        *[When(category=c, then=Value(ids[perm])) for c, perm in NOTE_CATEGORY_PERMISSION.items()],
        default=Value(0),
    )
    rows = list(
        Task.objects.filter(assignee=user, done_at=None)
        .annotate(needed_permission=needed)
        .filter(condition)
        .select_related("case")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )
    if rows:
        access_events.report(
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
        access_events.report(
            actor=user,
            action="list",
            object_type="case",
            object_ids=[i.case_id for i in rows],
            case_ids=[i.case_id for i in rows],
            person_ids=[i.case.person_id for i in rows],
        )
    return rows


def persons_found_for(*, user, query: str, limit: int = 20) -> list:
    """Persons the user may see whose name or alias contains the query, or born on the date
    given (TT.MM.JJJJ). Reported as one list access."""
    query = query.strip()
    condition = Q(family_name__icontains=query) | Q(given_name__icontains=query) | Q(alias__icontains=query)
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            condition = Q(birth_date=date.fromisoformat(query) if "-" in pattern else _german_date(query))
            break
        except ValueError:
            continue
    rows = list(
        persons_visible_to(user=user)
        .filter(condition)
        .select_related("owner_agency")
        .order_by("family_name", "alias")[:limit]
    )
    if rows:
        access_events.report(
            actor=user,
            action="search",
            object_type="person",
            object_ids=[p.pk for p in rows],
            person_ids=[p.pk for p in rows],
        )
    return rows


def consents_recorded_in(*, user, case: Case, since) -> list[Consent]:
    """The consents given in this conversation (shown on its consent step)."""
    rows = list(
        Consent.objects.filter(
            person_id=case.person_id, recorded_by_agency_id=case.owner_agency_id, given_at__gte=since
        )
        .select_related("text")
        .prefetch_related("agencies")
    )
    _report(user, case, "consent", [c.pk for c in rows])
    return rows


def _german_date(text: str) -> date:
    day, month, year = (int(part) for part in text.split("."))
    return date(year, month, day)
