"""Reads of case conferences, for the side the access layer decided (access.conferences)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from access import events
from access.case_access import case_access
from access.conferences import ConferenceSide, conference_for
from access.decide import right_in
from access.errors import NotFound
from access.rules import Action
from agencies.models import Agency, Membership
from agencies.selectors import agencies_of
from cases.models import Case
from cases.scopes import NoteCategory
from casework.selectors import concerns_violence, current_risk_assessment

from .models import Conference, ConferenceAction, Participant
from .services.log import report_change


def _base() -> QuerySet[Conference]:
    return Conference.objects.select_related(
        "case", "case__owner_agency", "convening_agency", "chair"
    ).prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("agency", "grant", "representative"))
    )


def conference_get(*, user, conference_id, report: bool = True) -> ConferenceSide:
    """The conference and the user's side of it; refused or missing: logged, 404. The page names
    a case: the read is logged."""
    side = conference_for(user, conference_id, _base())
    if report:
        report_change(user, side, "view", "conference", side.conference.pk)
    return side


def conferences_of_case(access) -> QuerySet[Conference]:
    """The conferences of a case the user follows as its owner (a logged list)."""
    return (
        Conference.objects.filter(case=access.case)
        .select_related("chair")
        .prefetch_related("participants__agency")
        .reported_to(access.user, object_type="conference", case=access, agency_id=access.acting_agency_id)
    )


def invitable_agencies(case: Case) -> QuerySet[Agency]:
    """Agencies that may receive case data, other than the owner."""
    return (
        Agency.objects.filter(is_active=True, receives_case_data=True).exclude(pk=case.owner_agency_id).order_by("name")
    )


def action_agencies(conference: Conference) -> QuerySet[Agency]:
    ids = [conference.case.owner_agency_id] + [p.agency_id for p in conference.participants.all() if p.is_active]
    return Agency.objects.filter(pk__in=ids).order_by("name")


def action_members(conference: Conference):
    ids = [conference.case.owner_agency_id] + [p.agency_id for p in conference.participants.all() if p.is_active]
    return (
        get_user_model()
        .objects.filter(memberships__agency_id__in=ids, memberships__status=Membership.Status.ACTIVE, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def actions_of(conference: Conference) -> list[ConferenceAction]:
    return list(conference.actions.select_related("agency", "assignee", "task").order_by("pk"))


def my_conferences(user) -> list[Conference]:
    """Conferences to which the user's agencies are invited (not withdrawn) and in which the
    user attends conferences, newest first — the same rule as access.conferences.side_of."""
    agency_ids = [a.pk for a in agencies_of(user) if right_in(user, Action.CONFERENCE_ATTEND, a.pk)]
    if not agency_ids:
        return []
    conferences = list(
        Conference.objects.filter(participants__agency_id__in=agency_ids, participants__withdrawn_at__isnull=True)
        .select_related("case", "convening_agency")
        .distinct()
        .order_by("-starts_at")[:100]
    )
    if conferences:
        events.report(
            actor=user,
            action="view",
            object_type="conference",
            object_ids=[c.pk for c in conferences],
            case_ids=[c.case_id for c in conferences],
            basis="conference",
            agency_id=agency_ids[0],
        )
    return conferences


def with_representative_candidates(participants: list[Participant]) -> list[Participant]:
    """Each participant with the active members of its agency (one query), for the chair to
    record who represented it."""
    by_agency: dict[int, list] = {}
    memberships = (
        Membership.objects.filter(
            agency_id__in=[p.agency_id for p in participants], status=Membership.Status.ACTIVE, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    for membership in memberships:
        users = by_agency.setdefault(membership.agency_id, [])
        if membership.user not in users:
            users.append(membership.user)
    for participant in participants:
        participant.candidates = by_agency.get(participant.agency_id, [])
    return participants


@dataclass(frozen=True)
class RiskView:
    """What the conference page shows of the case's risk assessment for this reader."""

    current: object | None  # the current assessment, if the reader may read violence records
    may_assess: bool  # may record one (the case concerns violence and none is recorded)


def risk_for(side: ConferenceSide, user, *, visible: bool) -> RiskView:
    """The case's current risk assessment, reused instead of asking again: for the owner's case
    workers and for a participant within its grant (once it confirmed confidentiality — `visible`),
    as far as the reader's scope covers violence records; the read is logged."""
    if not visible:
        return RiskView(None, False)
    try:
        access = case_access(user=user, case_id=side.conference.case_id, report=False, log_refusal=False)
    except NotFound:
        return RiskView(None, False)
    current = current_risk_assessment(access=access)
    may_assess = (
        current is None and access.allows(Action.NOTE_ADD, NoteCategory.VIOLENCE) and concerns_violence(access=access)
    )
    return RiskView(current, may_assess)
