"""Scopes of access to a case and what each one opens.

A grant gives an agency one scope on a case; an agency's rights on a case are the union of the
scopes of its active grants. The owning agency holds every scope. Each scope maps to object
permissions on the case (django-guardian rows, derived by cases.access_sync only)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    BASIC = "basic", _("Basic")
    COLLABORATE = "collaborate", _("Collaborate")
    FINANCE = "finance", _("Finance")
    SENSITIVE = "sensitive", _("Sensitive")


# What each scope allows, exactly (access.rules decides it; tests/access_matrix.py holds the rules
# to these words). A partner changes only records its own agency created; the case plan stays
# the owning agency's. Shown wherever a scope is chosen or explained.
SCOPE_ALLOWS = {
    Scope.BASIC: _("master data, household and contact restrictions (read only)"),
    Scope.COLLABORATE: _(
        "also the reason for contact, summary, general notes, tasks, appointments, documents and case plan; "
        "adds its own notes, tasks, appointments and documents"
    ),
    Scope.FINANCE: _("also payments and financial notes (read only)"),
    Scope.SENSITIVE: _("as collaborate, also health, violence and residence notes, and adds its own records to them"),
}


def scope_choices() -> list[tuple[str, str]]:
    """The scopes as a form offers them: each with what it allows."""
    return [(scope.value, f"{scope.label}: {SCOPE_ALLOWS[scope]}") for scope in Scope]


# Object permission codenames on cases.Case, one per scope-level right.
PERM_BASIC = "view_case_basic"
PERM_NOTES = "view_case_notes"
PERM_FINANCE = "view_case_finance"
PERM_SENSITIVE = "view_case_sensitive"

SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    Scope.BASIC: frozenset({PERM_BASIC}),
    Scope.COLLABORATE: frozenset({PERM_BASIC, PERM_NOTES}),
    Scope.FINANCE: frozenset({PERM_BASIC, PERM_FINANCE}),
    Scope.SENSITIVE: frozenset({PERM_BASIC, PERM_NOTES, PERM_SENSITIVE}),
}
ALL_SCOPE_PERMISSIONS = frozenset().union(*SCOPE_PERMISSIONS.values())


class NoteCategory(models.TextChoices):
    GENERAL = "general", _("General")
    HEALTH = "health", _("Health")
    VIOLENCE = "violence", _("Violence / trafficking")
    RESIDENCE = "residence", _("Residence status")
    FINANCES = "finances", _("Finances")


# Which object permission a note category needs (GDPR Art. 9 data only with the sensitive scope).
NOTE_CATEGORY_PERMISSION = {
    NoteCategory.GENERAL: PERM_NOTES,
    NoteCategory.HEALTH: PERM_SENSITIVE,
    NoteCategory.VIOLENCE: PERM_SENSITIVE,
    NoteCategory.RESIDENCE: PERM_SENSITIVE,
    NoteCategory.FINANCES: PERM_FINANCE,
}
SENSITIVE_CATEGORIES = frozenset({NoteCategory.HEALTH, NoteCategory.VIOLENCE, NoteCategory.RESIDENCE})


def scopes_from_permissions(perms: set[str]) -> set[str]:
    return {scope for scope, needed in SCOPE_PERMISSIONS.items() if needed <= perms}
