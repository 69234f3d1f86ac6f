"""Duplicate check across all agencies without leaks.

A likely duplicate inside the user's grants is shown so the user can pick it. One outside is
reported only as "a record exists at agency X", with an opaque signed token that lets the user
ask that agency for access (or open it in an emergency) — never a name, a date or any other
field of that record, not even how many records there are."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.core import signing
from django.db.models import Q

from agencies.models import Agency
from notlagen import access_events

from .models import Case, Person
from .phonetics import phonetic_key
from .selectors import CaseNotFound, persons_visible_to

_SALT = "cases.duplicates.match"
MATCH_TOKEN_MAX_AGE = 60 * 60 * 8  # a working day
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


def _is_match(candidate: Person, *, family_key: str, given_key: str, full_name: str, birth_date) -> bool:
    same_family = bool(family_key) and candidate.family_phonetic == family_key
    same_birth = birth_date is not None and candidate.birth_date == birth_date
    same_given = bool(given_key) and candidate.given_phonetic == given_key
    if same_family and (same_birth or same_given):
        return True
    # Fuzzy: a typo that changes the phonetic key, with the same date of birth.
    return same_birth and _similar(f"{candidate.given_name} {candidate.family_name}", full_name)


def find_duplicates(*, user, given_name: str, family_name: str, birth_date=None, fuzzy: bool = True) -> DuplicateResult:
    family_key, given_key = phonetic_key(family_name), phonetic_key(given_name)
    if not family_key:
        return DuplicateResult([], [])
    condition = Q(family_phonetic=family_key)
    if fuzzy and birth_date is not None:
        condition |= Q(birth_date=birth_date)
    candidates = [
        p
        for p in Person.objects.filter(condition).exclude(family_name="").select_related("owner_agency")[:500]
        if _is_match(
            p,
            family_key=family_key,
            given_key=given_key,
            full_name=f"{given_name} {family_name}",
            birth_date=birth_date,
        )
    ]
    if not candidates:
        return DuplicateResult([], [])
    visible_ids = set(
        persons_visible_to(user=user).filter(pk__in=[p.pk for p in candidates]).values_list("pk", flat=True)
    )
    visible = [p for p in candidates if p.pk in visible_ids]
    elsewhere: dict[int, ElsewhereMatch] = {}
    for person in candidates:
        if person.pk not in visible_ids and person.owner_agency_id not in elsewhere:
            token = signing.dumps({"p": person.pk, "a": person.owner_agency_id}, salt=_SALT)
            elsewhere[person.owner_agency_id] = ElsewhereMatch(person.owner_agency.name, token)
    access_events.report(
        actor=user,
        action="search",
        object_type="person",
        object_ids=[p.pk for p in visible],
        person_ids=[p.pk for p in visible],
    )
    return DuplicateResult(visible, sorted(elsewhere.values(), key=lambda m: m.agency_name))


def case_for_match_token(token: str) -> tuple[Case, Agency]:
    """The case a match token points at (the person's most recent case at that agency)."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MATCH_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise CaseNotFound from None
    cases = list(
        Case.objects.filter(person_id=data["p"], owner_agency_id=data["a"])
        .select_related("owner_agency", "person")
        .order_by("-updated_at")[:20]
    )
    if not cases:
        raise CaseNotFound
    case = next((c for c in cases if c.status != Case.Status.CLOSED), cases[0])
    return case, case.owner_agency
