"""Persons, cases, notes, consent and purpose-bound access grants (§ 35 SGB I, §§ 67 ff. SGB X).
One module per concern; everything is importable from cases.models."""

from .case import ALWAYS_FROM, ALWAYS_UNTIL, Case, CaseGroupObjectPermission
from .notes import CaseEvent, CaseNote, ContactChannel, Visibility
from .persons import DuplicateCheck, DuplicateMatch, Person
from .reference import ConsentText, Statute
from .sharing import AccessGrant, AccessRequest, Consent

__all__ = [
    "ALWAYS_FROM",
    "ALWAYS_UNTIL",
    "AccessGrant",
    "AccessRequest",
    "Case",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseNote",
    "Consent",
    "ConsentText",
    "ContactChannel",
    "DuplicateCheck",
    "DuplicateMatch",
    "Person",
    "Statute",
    "Visibility",
]
