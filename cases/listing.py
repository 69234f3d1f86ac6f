"""The case list: which cases a user sees, newest change first, filtered, a page at a time.

Answered from the permission rows. Each agency's row of the basic permission for a case (its
listing row) carries copies of the case's change time, status and district (kept by a trigger,
cases migration 0008), and the indexes on those rows put an agency's visible cases, with or
without a filter, in one index range newest first. So a page is:

1. for a member of one agency: one query, that agency's range from the cursor joined to the
   cases, stopping after a page (the shape of a hand-written join);
2. for a member of several: per agency the first PAGE_SIZE + 1 keys (change time, case id) of
   its range after the cursor — index-only scans that stop after a page —, merged (a case two
   of them see counts once) and cut to a page, then the page's cases read by key; the same
   indexes, so the same speed as one agency;
3. the cases handed out logged as one list entry (access.reporting).

Pages are keyset pages (a cursor, never an offset), and the count is exact only up to
COUNT_BOUND: beyond, the list says "more than 1,000" instead of counting a million rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format

from access.reporting import list_report
from agencies.selectors import case_group_ids_of

from .access_sync import permission_ids
from .models import Case, CaseGroupObjectPermission
from .scopes import PERM_BASIC
from .selectors import CASE_LIST_FIELDS, mark_text_visibility, single_agency_id

PAGE_SIZE = 50
COUNT_BOUND = 1000

Key = tuple[datetime, int]  # (change time, case id): the list's order, newest first


@dataclass(frozen=True)
class CaseListFilters:
    status: str = ""
    district_id: int | None = None
    assigned_id: int | None = None
    updated_since: date | None = None


@dataclass
class CaseListPage:
    cases: list[Case]
    count: int  # exact up to COUNT_BOUND
    more_than_bound: bool
    newer: str | None = None  # cursor of the page before (newer cases), None on the first page
    older: str | None = None  # cursor of the page after (older cases), None on the last page

    @property
    def bound_label(self) -> str:
        """The bound the count stopped at, as "1.000" (when more_than_bound, count is the bound)."""
        return number_format(self.count, force_grouping=True)


def encode_cursor(key: Key) -> str:
    moment, case_id = key
    return f"{round(moment.timestamp() * 1_000_000)}-{case_id}"


def decode_cursor(text: str | None) -> Key | None:
    """The key a cursor names; None for anything that is not one (the first page is shown)."""
    micros, _, case_id = (text or "").partition("-")
    if not (micros.isascii() and micros.isdigit() and case_id.isascii() and case_id.isdigit()):
        return None
    try:
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment, int(case_id)


def listing_condition(*, group_id: int, filters: CaseListFilters, now: datetime, via: str = "") -> Q:
    """One agency's listing rows, live now, narrowed by the filters — all on the row itself.
    `via` is the path from the queried model to the row ("" on the rows themselves)."""
    condition = Q(
        **{
            f"{via}group_id": group_id,
            f"{via}permission_id": permission_ids()[PERM_BASIC],
            f"{via}valid_from__lte": now,
            f"{via}valid_until__gt": now,
        }
    )
    if filters.status:
        condition &= Q(**{f"{via}case_status": filters.status})
    if filters.district_id:
        condition &= Q(**{f"{via}case_district_id": filters.district_id})
    if filters.updated_since:
        start = timezone.make_aware(datetime.combine(filters.updated_since, time.min))
        condition &= Q(**{f"{via}case_updated_at__gte": start})
    if filters.assigned_id:
        assigned = Case.assigned_workers.through.objects.filter(user_id=filters.assigned_id)
        condition &= Q(**{f"{via}content_object_id__in": assigned.values("case_id")})
    return condition


def listing_rows(*, group_id: int, filters: CaseListFilters, now: datetime) -> QuerySet[CaseGroupObjectPermission]:
    return CaseGroupObjectPermission.objects.filter(listing_condition(group_id=group_id, filters=filters, now=now))


def _next_to(cursor: Key | None, *, older: bool, moment_field: str, id_field: str) -> Q:
    """The keys beyond the cursor: older ones (the next page) or newer ones."""
    if cursor is None:
        return Q()
    moment, case_id = cursor
    way = "lt" if older else "gt"
    return Q(**{f"{moment_field}__{way}": moment}) | Q(**{moment_field: moment, f"{id_field}__{way}": case_id})


def keys_next_to(rows: QuerySet, cursor: Key | None, *, older: bool, limit: int) -> list[Key]:
    """Up to `limit` keys of the rows next to the cursor, in the list's order."""
    rows = rows.filter(_next_to(cursor, older=older, moment_field="case_updated_at", id_field="content_object_id"))
    order = ("-case_updated_at", "-content_object_id") if older else ("case_updated_at", "content_object_id")
    return list(rows.order_by(*order).values_list("case_updated_at", "content_object_id")[:limit])


def _merged(per_agency: list[list[Key]], *, older: bool, limit: int) -> list[Key]:
    """The first `limit` distinct cases of the agencies' key lists, in the list's order. Exact:
    a case among the first `limit` of the union is among the first `limit` of its agency."""
    keys = {case_id: moment for keys in per_agency for moment, case_id in keys}
    ordered = sorted(((moment, case_id) for case_id, moment in keys.items()), reverse=older)
    return ordered[:limit]


def bounded_count(row_sets: list[QuerySet]) -> tuple[int, bool]:
    """How many distinct cases the rows name, exact up to COUNT_BOUND."""
    if len(row_sets) == 1:
        count = row_sets[0][: COUNT_BOUND + 1].count()
        return min(count, COUNT_BOUND), count > COUNT_BOUND
    seen: set[int] = set()
    for rows in row_sets:
        ids = list(rows.values_list("content_object_id", flat=True)[: COUNT_BOUND + 1])
        if len(ids) > COUNT_BOUND:
            return COUNT_BOUND, True
        seen.update(ids)
    return min(len(seen), COUNT_BOUND), len(seen) > COUNT_BOUND


def _shown(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a row of the list shows (whether the user may read its text: mark_text_visibility)."""
    return (
        queryset.select_related("person", "district", "owner_agency")
        .only(*CASE_LIST_FIELDS, "district__name", "owner_agency__name", "owner_agency__short_name")
        .prefetch_related("assigned_workers")
    )


def cases_by_keys(keys: list[Key]) -> list[Case]:
    """The cases of a page read by key (users in several agencies), in the page's order."""
    if not keys:
        return []
    found = _shown(Case.objects.filter(pk__in=[case_id for _moment, case_id in keys]).unreported())
    by_id = {case.pk: case for case in found}
    return [by_id[case_id] for _moment, case_id in keys if case_id in by_id]


def cases_joined(*, group_id: int, filters: CaseListFilters, now, cursor: Key | None, older: bool) -> list[Case]:
    """Up to a page and one of the cases next to the cursor, joined to the one agency's listing
    rows (a member of one agency, the usual case): one query, as a hand-written join would be."""
    via = "casegroupobjectpermission__"
    condition = listing_condition(group_id=group_id, filters=filters, now=now, via=via) & _next_to(
        cursor, older=older, moment_field=f"{via}case_updated_at", id_field="pk"
    )
    order = ("-listed_at", "-pk") if older else ("listed_at", "pk")
    queryset = Case.objects.filter(condition).annotate(listed_at=F(f"{via}case_updated_at")).order_by(*order)
    return list(_shown(queryset.unreported())[: PAGE_SIZE + 1])


def _page_cases(*, groups: list[int], filters, now, cursor: Key | None, older: bool) -> tuple[list[Key], dict]:
    """The keys next to the cursor (a page and one) and, where already read, their cases."""
    if len(groups) == 1:
        cases = cases_joined(group_id=groups[0], filters=filters, now=now, cursor=cursor, older=older)
        return [(case.listed_at, case.pk) for case in cases], {case.pk: case for case in cases}
    per_agency = [
        keys_next_to(listing_rows(group_id=group, filters=filters, now=now), cursor, older=older, limit=PAGE_SIZE + 1)
        for group in groups
    ]
    return _merged(per_agency, older=older, limit=PAGE_SIZE + 1), {}


def case_list_page(
    *, user, filters: CaseListFilters, older: str | None = None, newer: str | None = None
) -> CaseListPage:
    """One page of the user's case list: the newest cases, or those after cursor `older` (the
    next page), or before cursor `newer` (the previous page). The cases handed out are logged."""
    groups = case_group_ids_of(user) if getattr(user, "is_authenticated", False) else []
    if not groups:
        return CaseListPage(cases=[], count=0, more_than_bound=False)
    now = timezone.now()
    cursor, going_older = decode_cursor(older), True
    if cursor is None and (cursor := decode_cursor(newer)) is not None:
        going_older = False
    fetched, read = _page_cases(groups=groups, filters=filters, now=now, cursor=cursor, older=going_older)
    beyond, keys = len(fetched) > PAGE_SIZE, fetched[:PAGE_SIZE]
    if not going_older and not beyond:  # back at the newest cases: the first page, whole
        return case_list_page(user=user, filters=filters)
    if not going_older:
        keys.reverse()
    cases = [read[case_id] for _moment, case_id in keys] if read else cases_by_keys(keys)
    mark_text_visibility(cases, user=user)
    list_report(user, object_type="case", agency_id=single_agency_id(user))(cases)
    count, more = bounded_count([listing_rows(group_id=group, filters=filters, now=now) for group in groups])
    page = CaseListPage(cases=cases, count=count, more_than_bound=more)
    if keys:
        page.newer = encode_cursor(keys[0]) if cursor is not None else None
        page.older = encode_cursor(keys[-1]) if beyond or not going_older else None
    return page
