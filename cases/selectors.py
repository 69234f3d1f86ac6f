"""Every read of persons, cases, notes and sharing records, scoped to what the acting user may
see now.

Visibility comes from the case's guardian rows (derived from ownership and grants) of the
agencies in which the user works on cases, with the grant's window checked at read time. The
lists returned here log the rows they hand out whenever they are evaluated, whoever paginates
them (access.reporting). A single object outside the user's reach is NotFound (access.errors),
logged as denied, exactly like one that does not exist. The access to one case is resolved by
access.case_access."""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from access import events
from access.case_access import CaseAccess
from access.decide import require
from access.errors import NotFound, as_int
from access.rules import Action, rule
from agencies.selectors import case_agencies_of, case_group_ids_of, role_permissions_in

from .access_sync import permission_ids
from .models import AccessGrant, AccessRequest, Case, CaseGroupObjectPermission, CaseNote, Consent, Person
from .scopes import PERM_BASIC, SCOPE_PERMISSIONS, Scope

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


def _live(now) -> Q:
    return Q(valid_from__lte=now, valid_until__gt=now)


def live_permission_rows(user, codename: str, now) -> QuerySet[CaseGroupObjectPermission]:
    return CaseGroupObjectPermission.objects.filter(
        _live(now), group_id__in=case_group_ids_of(user), permission_id=permission_ids()[codename]
    )


def single_agency_id(user) -> int | None:
    """The agency a member of exactly one agency acts for (named in the log), else None."""
    agencies = case_agencies_of(user)
    return agencies[0].pk if len(agencies) == 1 else None


def cases_visible_to(*, user, scope: str = Scope.BASIC) -> QuerySet[Case]:
    """Cases on which the user's agencies hold `scope` now, newest change first; the rows it
    returns are logged as a list read by the user.

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
    return queryset.reported_to(user, object_type="case", agency_id=single_agency_id(user))


def _text_rows(user) -> QuerySet[CaseGroupObjectPermission]:
    """The permission rows that let the user read a case's reason and summary — free text that
    may name violence or illness — per access.rules CASE_TEXT_READ (a basic grant alone does not
    show it)."""
    text_rule = rule(Action.CASE_TEXT_READ)
    needed = sorted(text_rule.scope - {PERM_BASIC})
    groups = [
        a.group_id
        for a in case_agencies_of(user)
        if a.group_id and all(need & role_permissions_in(user, a.pk) for need in text_rule.needs(None)[0])
    ]
    return CaseGroupObjectPermission.objects.filter(
        _live(timezone.now()),
        group_id__in=groups,
        permission_id__in=[permission_ids()[codename] for codename in needed],
    )


def with_text_visibility(queryset: QuerySet[Case], *, user) -> QuerySet[Case]:
    """Annotate `shows_text`: whether the user may read the case's text. One semi-join per row,
    on the permission index."""
    return queryset.annotate(shows_text=Exists(_text_rows(user).filter(content_object=OuterRef("pk"))))


def mark_text_visibility(cases: list[Case], *, user) -> list[Case]:
    """Set `shows_text` on a page of cases already read: one query on the permission index for
    the whole page. (As a semi-join in the page's own query, PostgreSQL may hash every row an
    owning office holds — 50,000 — to answer 50.)"""
    visible = (
        set(
            _text_rows(user)
            .filter(content_object_id__in=[case.pk for case in cases])
            .values_list("content_object_id", flat=True)
        )
        if cases
        else set()
    )
    for case in cases:
        case.shows_text = case.pk in visible
    return cases


def person_get_for(*, user, person_id) -> Person:
    """A person the user may see: registered by one of the user's agencies, or with a case the
    user holds basic scope on."""
    person_id = as_int(person_id, object_type="person")
    person = persons_visible_to(user=user).unreported().filter(pk=person_id).first()
    if person is None:
        events.denied(actor=user, object_type="person", object_id=person_id)
        raise NotFound("person", person_id)
    events.report(actor=user, action="view", object_type="person", object_ids=[person.pk], person_ids=[person.pk])
    return person


def persons_found_for(*, user, query: str, limit: int = 20) -> list[Person]:
    """Persons the user may see whose name or alias contains the query, or born on the date
    given (TT.MM.JJJJ or JJJJ-MM-TT). Logged as one search."""
    query = query.strip()
    birth_date = parse_date(query)
    if birth_date is not None:
        condition = Q(birth_date=birth_date)
    else:
        condition = Q(family_name__icontains=query) | Q(given_name__icontains=query) | Q(alias__icontains=query)
    return list(
        persons_visible_to(user=user)
        .filter(condition)
        .select_related("owner_agency")
        .order_by("family_name", "alias")[:limit]
    )


def parse_date(text: str) -> date | None:
    """A date typed the German way (TT.MM.JJJJ) or as ISO (JJJJ-MM-TT), else None."""
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
    return None


def person_for_consent(*, user, person_id) -> Person:
    """A person whose consents the user keeps (the agency that registered the person)."""
    person = person_get_for(user=user, person_id=person_id)
    require(user, Action.CONSENT_MANAGE, person)
    return person


def persons_visible_to(*, user) -> QuerySet[Person]:
    if not getattr(user, "is_authenticated", False) or not case_group_ids_of(user):
        return Person.objects.none()
    now = timezone.now()
    visible_cases = live_permission_rows(user, PERM_BASIC, now).filter(content_object__person=OuterRef("pk"))
    own = [a.pk for a in case_agencies_of(user)]
    return Person.objects.filter(Q(owner_agency_id__in=own) | Q(Exists(visible_cases))).reported_to(
        user, object_type="person", action="search"
    )


def notes_visible_to(*, user, access: CaseAccess) -> QuerySet[CaseNote]:
    return (
        CaseNote.objects.filter(case=access.case, category__in=access.readable_categories)
        .select_related("author", "author_agency")
        .reported_to(user, object_type="note", case=access, agency_id=access.acting_agency_id)
    )


def notes_page_for(*, user, access: CaseAccess, page_number, page_size: int = 20):
    page = Paginator(notes_visible_to(user=user, access=access), page_size).get_page(page_number)
    page.object_list = list(page.object_list)
    return page


def usable_consents_of(*, user, person: Person) -> list[Consent]:
    """The person's consents that may still carry a grant (not withdrawn, not expired)."""
    return list(
        Consent.objects.filter(person=person, withdrawn_at__isnull=True, valid_until__gte=timezone.localdate())
        .select_related("text")
        .reported_to(user, object_type="consent")
    )


def grants_of_case(*, access: CaseAccess) -> QuerySet[AccessGrant]:
    """All grants of a case, history included (for the owning agency's grant management)."""
    access.require(Action.GRANTS_MANAGE)
    return (
        access.case.grants.select_related("grantee_agency", "consent", "statute", "granted_by", "revoked_by")
        .order_by("-created_at")
        .reported_to(access.user, object_type="grant", case=access, agency_id=access.acting_agency_id)
    )


def grant_of_case(*, access: CaseAccess, grant_id) -> AccessGrant:
    grant = grants_of_case(access=access).unreported().filter(pk=as_int(grant_id, object_type="grant")).first()
    if grant is None:
        events.denied(actor=access.user, object_type="grant", object_id=grant_id, case_id=access.pk)
        raise NotFound("grant", grant_id)
    return grant


def grants_held_by(*, user) -> QuerySet[AccessGrant]:
    """The grants in force through which the user's agencies see cases of others (a logged
    list: each names a case)."""
    return (
        AccessGrant.objects.in_force()
        .filter(grantee_agency__in=case_agencies_of(user))
        .select_related("case", "grantee_agency", "case__owner_agency")
        .reported_to(user, object_type="grant")
    )


def grants_awaiting_approval(*, user) -> QuerySet[AccessGrant]:
    """Sharing without consent waiting for a team lead of the owning agency (the user's)."""
    agencies = [a.pk for a in case_agencies_of(user) if "cases.approve_grants" in role_permissions_in(user, a.pk)]
    return (
        AccessGrant.objects.filter(approval=AccessGrant.Approval.PENDING, revoked_at__isnull=True)
        .filter(case__owner_agency_id__in=agencies)
        .select_related("case", "grantee_agency", "statute", "granted_by")
        .order_by("created_at")
        .reported_to(user, object_type="grant")
    )


def grant_awaiting_approval(*, user, grant_id) -> AccessGrant:
    grant = grants_awaiting_approval(user=user).unreported().filter(pk=as_int(grant_id, object_type="grant")).first()
    if grant is None:
        events.denied(actor=user, object_type="grant", object_id=grant_id, action="change")
        raise NotFound("grant", grant_id)
    return grant


def consents_of_person(*, user, person: Person) -> QuerySet[Consent]:
    return (
        person.consents.select_related("text", "recorded_by")
        .prefetch_related("agencies")
        .order_by("-given_at")
        .reported_to(user, object_type="consent")
    )


def consent_of_person(*, user, person: Person, consent_id) -> Consent:
    consent = person.consents.filter(pk=as_int(consent_id, object_type="consent")).first()
    if consent is None:
        events.denied(actor=user, object_type="consent", object_id=consent_id)
        raise NotFound("consent", consent_id)
    return consent


def access_requests_incoming(*, user) -> QuerySet[AccessRequest]:
    """Requests to cases of the agencies in which the user decides them (team leads): who asked
    about which case is itself sensitive, so nobody else sees them."""
    deciding = [
        a.pk for a in case_agencies_of(user) if "cases.decide_access_requests" in role_permissions_in(user, a.pk)
    ]
    return (
        AccessRequest.objects.filter(case__owner_agency_id__in=deciding)
        .select_related("case", "requesting_agency", "requested_by", "decided_by")
        .reported_to(user, object_type="access_request")
    )


def access_requests_outgoing(*, user) -> QuerySet[AccessRequest]:
    """Requests the user's agencies made. The case is not named until a grant exists."""
    return (
        AccessRequest.objects.filter(requesting_agency__in=case_agencies_of(user))
        .select_related("requesting_agency", "case__owner_agency")
        .reported_to(user, object_type="access_request")
    )


def access_request_to_decide(*, user, request_id) -> AccessRequest:
    """A pending request to a case of the user's agency that the user may decide."""
    found = (
        access_requests_incoming(user=user)
        .unreported()
        .filter(pk=as_int(request_id, object_type="access_request"), status=AccessRequest.Status.PENDING)
        .select_related("case__person")
        .first()
    )
    if found is None:
        events.denied(actor=user, object_type="access_request", object_id=request_id, action="change")
        raise NotFound("access_request", request_id)
    require(user, Action.ACCESS_REQUEST_DECIDE, found.case)
    events.report(
        actor=user, action="view", object_type="access_request", object_ids=[found.pk], case_ids=[found.case_id]
    )
    return found


def cases_of_person_for(*, user, person: Person) -> list[Case]:
    """The person's cases the user may see (person and consent pages), logged as one list."""
    return list(
        with_text_visibility(cases_visible_to(user=user).filter(person=person), user=user).select_related(
            "owner_agency"
        )
    )


def my_open_cases(*, user, limit: int = 10) -> list[Case]:
    """The open and active cases assigned to the user (home page), logged as one list."""
    assigned = cases_visible_to(user=user).filter(
        assigned_workers=user, status__in=[Case.Status.OPEN, Case.Status.ACTIVE]
    )
    return list(with_text_visibility(assigned, user=user).select_related("person")[:limit])


def pending_access_request_count(*, user) -> int:
    return access_requests_incoming(user=user).filter(status=AccessRequest.Status.PENDING).count()
