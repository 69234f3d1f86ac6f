"""Duplicate check across all agencies without leaks.

A likely duplicate inside the user's grants is shown so the user can pick it. One outside is
reported only as "a record exists at agency X", with an opaque signed token that lets the user
ask that agency for access (or open it in an emergency) — never a name, a date or any other
field of that record, not even how many records there are."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.errors import NotFound
from agencies.models import Agency

from .models import Case, DuplicateCheck, DuplicateMatch, Person
from .phonetics import phonetic_key
from .selectors import persons_visible_to

MATCH_TOKEN_MAX_AGE = timedelta(hours=8)  # a working day
FUZZY_THRESHOLD = 0.85


@dataclass(frozen=True)
class ElsewhereMatch:
    agency_name: str
    token: str


@dataclass(frozen=True)
class DuplicateResult:
    visible: list[Person]
    elsewhere: list[ElsewhereMatch]

    @property
    def any(self) -> bool:
        return bool(self.visible or self.elsewhere)


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.casefold(), b.casefold()).ratio() >= FUZZY_THRESHOLD


def _is_match(candidate: Person, *, family_key: str, given_key: str, full_name: str, alias: str, birth_date) -> bool:
    same_birth = birth_date is not None and candidate.birth_date == birth_date
    if alias and candidate.alias and candidate.alias.casefold() == alias.casefold():
        return True  # the same chosen name: anonymous counselling elsewhere
    if not family_key:
        return False
    same_family = candidate.family_phonetic == family_key
    same_given = bool(given_key) and candidate.given_phonetic == given_key
    if same_family and (same_birth or same_given or (not given_key and birth_date is None)):
        # A family name alone (no given name, no birth date) is a match too: better one
        # question to the worker than a second record of the same person.
        return True
    # Fuzzy: a typo that changes the phonetic key, with the same date of birth.
    return same_birth and _similar(f"{candidate.given_name} {candidate.family_name}", full_name)


def _check_rate(user) -> None:
    """Many checks in a short time look like probing (e.g. trying birth dates for a name)."""
    since = timezone.now() - timedelta(hours=1)
    if DuplicateCheck.objects.filter(user=user, created_at__gte=since).count() >= settings.DUPLICATE_CHECKS_PER_HOUR:
        raise ValidationError(
            _("You have run many duplicate checks in a short time. Please wait a while or ask your team lead.")
        )


def find_duplicates(
    *, user, given_name: str = "", family_name: str = "", alias: str = "", birth_date=None, fuzzy: bool = True
) -> DuplicateResult:
    """Likely duplicates of whatever identifying input is given: a family name (with or without
    given name and birth date) or an alias alone."""
    family_key, given_key, alias = phonetic_key(family_name), phonetic_key(given_name), alias.strip()
    if not family_key and not alias:
        return DuplicateResult([], [])
    _check_rate(user)
    check = DuplicateCheck.objects.create(user=user)
    condition = Q(pk__in=[])
    if family_key:
        condition |= Q(family_phonetic=family_key)
    if alias:
        condition |= Q(alias__iexact=alias)
    if fuzzy and birth_date is not None and family_key:
        condition |= Q(birth_date=birth_date)
    candidates = [
        p
        for p in Person.objects.filter(condition)[:500]
        if _is_match(
            p,
            family_key=family_key,
            given_key=given_key,
            full_name=f"{given_name} {family_name}",
            alias=alias,
            birth_date=birth_date,
        )
    ]
    if not candidates:
        return DuplicateResult([], [])
    visible_ids = set(
        persons_visible_to(user=user)
        .unreported()
        .filter(pk__in=[p.pk for p in candidates])
        .values_list("pk", flat=True)
    )
    visible = [p for p in candidates if p.pk in visible_ids]
    hidden = [p.pk for p in candidates if p.pk not in visible_ids]
    # One entry per agency that holds a case of a hidden match: the agency that can decide.
    latest: dict[int, Case] = {}
    for case in Case.objects.filter(person_id__in=hidden).select_related("owner_agency").order_by("-updated_at"):
        latest.setdefault(case.owner_agency_id, case)
    elsewhere = []
    for case in latest.values():
        token = secrets.token_urlsafe(24)
        DuplicateMatch.objects.create(token=token, duplicate_check=check, case=case)
        elsewhere.append(ElsewhereMatch(case.owner_agency.name, token))
    # The auditors see every record the check touched, inside and outside the user's grants.
    events.report(
        actor=user,
        action="search",
        object_type="person",
        object_ids=[p.pk for p in candidates],
        person_ids=[p.pk for p in candidates],
    )
    return DuplicateResult(visible, sorted(elsewhere, key=lambda m: m.agency_name))


def _fresh_matches(token: str, *, user):
    return DuplicateMatch.objects.filter(
        token=token,
        duplicate_check__user=user,
        duplicate_check__created_at__gte=timezone.now() - MATCH_TOKEN_MAX_AGE,
        used_at__isnull=True,
    )


def case_for_match_token(token: str, *, user) -> tuple[Case, Agency]:
    """The case a match token of this user points at, while the token is fresh and unused."""
    match = _fresh_matches(token, user=user).select_related("case__owner_agency", "case__person").first()
    if match is None:
        events.denied(actor=user, object_type="duplicate_match", action="view")
        raise NotFound("duplicate_match")
    return match.case, match.case.owner_agency


def match_redeem(token: str, *, user) -> Case:
    """Use a token up, in the caller's transaction: it opens one request or one emergency
    access; should that fail, the rollback gives the token back."""
    match = _fresh_matches(token, user=user).select_for_update(of=("self",)).select_related("case").first()
    if match is None:
        events.denied(actor=user, object_type="duplicate_match", action="change")
        raise NotFound("duplicate_match")
    DuplicateMatch.objects.filter(pk=match.pk).update(used_at=timezone.now())
    return match.case
