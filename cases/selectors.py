"""Every read of persons, cases and notes, scoped to what the acting user may see now.

Visibility comes from the case's guardian rows (derived from ownership and grants) of the
agencies in which the user works on cases, with the grant's window checked at read time.
Anything outside answers CaseNotFound (a 404), exactly like a case that does not exist, and
the refusal is reported to the access log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from agencies.selectors import case_agencies_of, case_group_ids_of, has_perm_in, memberships_of
from notlagen import access_events

from .access_sync import permission_ids
from .models import (
    AccessGrant,
    AccessRequest,
    Case,
    CaseGroupObjectPermission,
    CaseNote,
    Consent,
    Person,
    Visibility,
)
from .permissions import can_manage_consent, can_manage_grants
from .scopes import (
    NOTE_CATEGORY_PERMISSION,
    PERM_BASIC,
    SCOPE_PERMISSIONS,
    NoteCategory,
    Scope,
    scopes_from_permissions,
)

CASE_PAGE_SIZE = 50
# What a row of the case list shows: fetched alone, so the list reads no more than it needs.
CASE_LIST_FIELDS = (
    "reference",
    "title",
    "status",
    "updated_at",
    "person_id",
    "owner_agency_id",
    "district_id",
    "person__given_name",
    "person__family_name",
    "person__alias",
)

# Which role permission lets a person read notes of a category (the scope must allow it too).
NOTE_CATEGORY_ROLE_PERMISSION = {
    NoteCategory.GENERAL: "cases.read_general_notes",
    NoteCategory.HEALTH: "cases.read_sensitive_notes",
    NoteCategory.VIOLENCE: "cases.read_sensitive_notes",
    NoteCategory.RESIDENCE: "cases.read_sensitive_notes",
    NoteCategory.FINANCES: "cases.read_finance_notes",
}


class CaseNotFound(Http404):
    """Raised for a case, person or note that does not exist or that the user may not see."""


def _live(now) -> Q:
    return Q(valid_from__lte=now, valid_until__gt=now)


def live_permission_rows(user, codename: str, now) -> QuerySet[CaseGroupObjectPermission]:
    return CaseGroupObjectPermission.objects.filter(
        _live(now), group_id__in=case_group_ids_of(user), permission_id=permission_ids()[codename]
    )


def cases_visible_to(*, user, scope: str = Scope.BASIC) -> QuerySet[Case]:
    """Cases on which the user's agencies hold `scope` now, newest change first.

    For the usual member of one agency this is one join to that agency's permission rows of
    the basic permission, ordered by the copy of the case's updated_at on the row, so the first
    page is the first entries of one index range. Further permissions of the scope, and users
    in several agencies, add semi-joins."""
    groups = case_group_ids_of(user) if getattr(user, "is_authenticated", False) else []
    if not groups:
        return Case.objects.none()
    now = timezone.now()
    extra = sorted(SCOPE_PERMISSIONS[scope] - {PERM_BASIC})
    if len(groups) == 1:
        rel = "casegroupobjectpermission__"
        live = Q(**{rel + "valid_from__lte": now, rel + "valid_until__gt": now})
        queryset = (
            Case.objects.filter(
                live,
                **{rel + "group_id": groups[0], rel + "permission_id": permission_ids()[PERM_BASIC]},
            )
            .annotate(listed_at=F(rel + "case_updated_at"))
            .order_by("-listed_at", "-pk")
        )
    else:
        queryset = Case.objects.filter(
            Exists(live_permission_rows(user, PERM_BASIC, now).filter(content_object=OuterRef("pk")))
        ).order_by("-updated_at", "-pk")
    for codename in extra:
        queryset = queryset.filter(
            Exists(live_permission_rows(user, codename, now).filter(content_object=OuterRef("pk")))
        )
    return queryset


def visible_case_count(*, user, scope: str = Scope.BASIC) -> int:
    """How many cases the user sees, counted on the permission rows alone (no join to cases).
    Same answer as cases_visible_to(...).count() for single-permission scopes, much cheaper."""
    needed = SCOPE_PERMISSIONS[scope]
    if len(needed) != 1:
        return cases_visible_to(user=user, scope=scope).count()
    if not getattr(user, "is_authenticated", False) or not case_group_ids_of(user):
        return 0
    (codename,) = needed
    rows = live_permission_rows(user, codename, timezone.now())
    if len(case_group_ids_of(user)) == 1:
        return rows.count()
    return rows.values("content_object_id").distinct().count()


class _KnownCount:
    """A queryset whose total is already known, for the paginator."""

    def __init__(self, queryset: QuerySet, total: int):
        self.queryset, self.total, self.ordered = queryset, total, True

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.queryset[index]


def case_permissions_by_agency(*, user, case_id: int) -> dict[int, set[str]]:
    """Per agency of the user: the scope permissions (codenames) it holds on the case now."""
    agencies = {a.group_id: a.pk for a in case_agencies_of(user) if a.group_id}
    if not agencies:
        return {}
    by_id = {v: k for k, v in permission_ids().items()}
    rows = CaseGroupObjectPermission.objects.filter(
        _live(timezone.now()), group_id__in=list(agencies), content_object_id=case_id
    ).values_list("group_id", "permission_id")
    result: dict[int, set[str]] = {}
    for group_id, permission_id in rows:
        if permission_id in by_id:
            result.setdefault(agencies[group_id], set()).add(by_id[permission_id])
    return result


def case_permissions_of(*, user, case_id: int) -> set[str]:
    """The scope permissions the user's agencies hold on the case now, together."""
    return set().union(*case_permissions_by_agency(user=user, case_id=case_id).values())


def case_get_for(*, user, case_id, scope: str = Scope.BASIC, action: str = "view", allow=None) -> Case:
    """The case if the user holds `scope` on it now (and `allow(user, case)` agrees, for an
    action such as editing), with `case.permissions` (codenames, all agencies together),
    `case.agency_permissions` (per agency) and `case.is_owned` attached; else CaseNotFound.
    Reported to the access log either way."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise CaseNotFound from None
    by_agency = case_permissions_by_agency(user=user, case_id=case_id)
    perms = set().union(*by_agency.values())
    if not SCOPE_PERMISSIONS[scope] <= perms:
        access_events.denied(actor=user, object_type="case", object_id=case_id, action=action)
        raise CaseNotFound
    case = (
        Case.objects.select_related("person", "owner_agency", "district")
        .prefetch_related("assigned_workers")
        .get(pk=case_id)
    )
    case.permissions, case.agency_permissions = perms, by_agency
    case.is_owned = case.owner_agency_id in by_agency
    # The grants that let a partner see the case: for the banner and for the access log, read once.
    case.explaining_grants = [] if case.is_owned else grants_explaining_access(user=user, case=case)
    if allow is not None and not allow(user, case):
        access_events.denied(actor=user, object_type="case", object_id=case_id, action=action)
        raise CaseNotFound
    access_events.report(
        actor=user,
        action=action,
        object_type="case",
        object_ids=[case.pk],
        case_ids=[case.pk],
        person_ids=[case.person_id],
        basis=_right_used(user, case),
    )
    return case


def _report_case_list(user, rows: list[Case]) -> None:
    """One access-log entry for a list of cases as shown (their ids and persons)."""
    access_events.report(
        actor=user,
        action="list",
        object_type="case",
        object_ids=[c.pk for c in rows],
        case_ids=[c.pk for c in rows],
        person_ids=[c.person_id for c in rows],
    )


def scopes_of(case: Case) -> set[str]:
    """The scopes the permissions attached by case_get_for amount to."""
    return scopes_from_permissions(case.permissions)


def _right_used(user, case: Case) -> str:
    """For the access log: the role that allowed the access in the owning agency, or the grants."""
    if case.is_owned:
        roles = sorted(m.role for m in memberships_of(user) if m.agency_id == case.owner_agency_id)
        return f"owner:{','.join(roles)}"
    return "grant:" + ",".join(str(g.pk) for g in case.explaining_grants)


def cases_page_for(*, user, queryset: QuerySet[Case], page_number, unfiltered: bool = False) -> object:
    """One page of a (filtered) visible-case queryset, with what the list shows, reported once.
    For the unfiltered list the total comes from the permission rows (visible_case_count)."""
    queryset = (
        queryset.select_related("person", "district", "owner_agency")
        .only(*CASE_LIST_FIELDS, "district__name", "owner_agency__name", "owner_agency__short_name")
        .prefetch_related("assigned_workers")
    )
    source = _KnownCount(queryset, visible_case_count(user=user)) if unfiltered else queryset
    page = Paginator(source, CASE_PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    _report_case_list(user, rows)
    return page


def person_get_for(*, user, person_id, action: str = "view") -> Person:
    """A person the user may see: registered by one of the user's agencies, or with a case the
    user holds basic scope on."""
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise CaseNotFound from None
    person = persons_visible_to(user=user).filter(pk=person_id).first()
    if person is None:
        access_events.denied(actor=user, object_type="person", object_id=person_id, action=action)
        raise CaseNotFound
    access_events.report(
        actor=user, action=action, object_type="person", object_ids=[person.pk], person_ids=[person.pk]
    )
    return person


def persons_visible_to(*, user) -> QuerySet[Person]:
    if not getattr(user, "is_authenticated", False) or not case_group_ids_of(user):
        return Person.objects.none()
    now = timezone.now()
    visible_cases = live_permission_rows(user, PERM_BASIC, now).filter(content_object__person=OuterRef("pk"))
    own = [a.pk for a in case_agencies_of(user)]
    return Person.objects.filter(Q(owner_agency_id__in=own) | Q(Exists(visible_cases)))


def note_categories_for(*, user, case: Case) -> list[str]:
    """Note categories the user may read on this case: in one of the user's agencies, that
    agency's scope and the user's role there must both allow the category."""
    return [
        category
        for category, permission in NOTE_CATEGORY_PERMISSION.items()
        if any(
            permission in perms and has_perm_in(user, agency_id, NOTE_CATEGORY_ROLE_PERMISSION[category])
            for agency_id, perms in case.agency_permissions.items()
        )
    ]


def timeline_visibilities_for(*, user, case: Case) -> list[str]:
    """Which timeline entries of the case the user may see (case as returned by case_get_for):
    basic ones, those of the note categories they may read, and sharing for those who manage it."""
    levels = [Visibility.BASIC, *note_categories_for(user=user, case=case)]
    if can_manage_grants(user, case) or can_manage_consent(user, case):
        levels.append(Visibility.OWNER)
    return levels


def notes_visible_to(*, user, case: Case) -> QuerySet[CaseNote]:
    categories = note_categories_for(user=user, case=case)
    return CaseNote.objects.filter(case=case, category__in=categories).select_related("author", "author_agency")


def notes_page_for(*, user, case: Case, page_number, page_size: int = 20):
    page = Paginator(notes_visible_to(user=user, case=case), page_size).get_page(page_number)
    rows = list(page.object_list)
    access_events.report(
        actor=user,
        action="list",
        object_type="note",
        object_ids=[n.pk for n in rows],
        case_ids=[case.pk],
        person_ids=[case.person_id],
    )
    return page


def grants_explaining_access(*, user, case: Case) -> list[AccessGrant]:
    """The active grants through which the user's agencies see the case (for the banner)."""
    now = timezone.now()
    return list(
        AccessGrant.objects.filter(
            case=case,
            grantee_agency__in=case_agencies_of(user),
            revoked_at__isnull=True,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .select_related("grantee_agency", "consent", "statute")
        .order_by("valid_until")
    )


def usable_consents_of(*, person: Person) -> list[Consent]:
    """The person's consents that may still carry a grant (not withdrawn, not expired)."""
    return list(
        Consent.objects.filter(
            person=person, withdrawn_at__isnull=True, valid_until__gte=timezone.localdate()
        ).select_related("text")
    )


def grants_of_case(*, case: Case) -> QuerySet[AccessGrant]:
    """All grants of a case, history included (for the owning agency's grant management)."""
    return case.grants.select_related("grantee_agency", "consent", "statute", "granted_by", "revoked_by").order_by(
        "-created_at"
    )


def consents_of_person(*, person: Person) -> QuerySet[Consent]:
    return person.consents.select_related("text", "recorded_by").prefetch_related("agencies").order_by("-given_at")


def access_requests_incoming(*, user) -> QuerySet[AccessRequest]:
    """Requests to the user's agencies' cases (team leads decide them)."""
    return AccessRequest.objects.filter(case__owner_agency__in=case_agencies_of(user)).select_related(
        "case", "requesting_agency", "requested_by", "decided_by"
    )


def access_requests_outgoing(*, user) -> QuerySet[AccessRequest]:
    """Requests the user's agencies made. The case is not named until a grant exists."""
    return AccessRequest.objects.filter(requesting_agency__in=case_agencies_of(user)).select_related(
        "requesting_agency", "case__owner_agency"
    )


def cases_of_person_for(*, user, person: Person) -> list[Case]:
    """The person's cases the user may see (person and consent pages), reported as one list."""
    rows = list(cases_visible_to(user=user).filter(person=person).select_related("owner_agency"))
    _report_case_list(user, rows)
    return rows


def my_open_cases(*, user, limit: int = 10) -> list[Case]:
    """The open and active cases assigned to the user (home page), reported as one list access."""
    rows = list(
        cases_visible_to(user=user)
        .filter(assigned_workers=user, status__in=[Case.Status.OPEN, Case.Status.ACTIVE])
        .select_related("person")[:limit]
    )
    if rows:
        _report_case_list(user, rows)
    return rows


def pending_access_request_count(*, user) -> int:
    return access_requests_incoming(user=user).filter(status=AccessRequest.Status.PENDING).count()
