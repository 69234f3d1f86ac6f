"""The roles a member can hold in an agency. Each role maps to a Django group that carries
its model-level permissions; which cases a member may touch comes from object permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CLERK = "clerk", _("Clerk")
    TEAM_LEAD = "team_lead", _("Team lead")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    ADMINISTRATOR = "administrator", _("Administrator")
    SERVICE_ACCOUNT = "service_account", _("Service account")


# Roles that work on cases: their memberships put the user into the agency's permission group.
# Auditors and administrators never read case content by default, so they stay outside it.
CASE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.CLERK, Role.TEAM_LEAD, Role.PARTNER_STAFF, Role.SERVICE_ACCOUNT})


def group_name(role: str) -> str:
    return f"role:{role}"


# Model-level permissions per role ("app_label.codename"). Later capabilities add theirs here;
# agencies.apps syncs the groups after every migrate, so this table is the single source.
# What a role may do on a given case is further bounded by the case's scope (cases.permissions).
_CASE_WORK = {
    "cases.add_case",
    "cases.change_case",
    "cases.view_case",
    "cases.close_case",
    "cases.manage_grants",
    "cases.manage_consent",
    "cases.add_casenote",
    "cases.read_general_notes",
    "cases.read_sensitive_notes",
    "cases.read_finance_notes",
    "cases.request_access",
    "cases.break_glass",
    "cases.add_person",
    "cases.change_person",
    "casework.add_intake",
    "casework.add_task",
    "casework.add_appointment",
    "casework.add_document",
    "casework.add_goal",
}
_REFERENCE_DATA = {
    f"{app}.{verb}_{model}"
    for app, model in [
        ("agencies", "agency"),
        ("agencies", "orgunit"),
        ("agencies", "location"),
        ("agencies", "district"),
        ("agencies", "membership"),
        ("cases", "statute"),
        ("cases", "consenttext"),
    ]
    for verb in ("view", "add", "change")
} | {"agencies.delete_orgunit", "agencies.delete_location", "agencies.delete_membership"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.SOCIAL_WORKER: _CASE_WORK,
    Role.TEAM_LEAD: _CASE_WORK | {"cases.decide_access_requests"},
    # Clerks pay and look things up: general and financial notes, no sensitive categories.
    Role.CLERK: {
        "cases.view_case",
        "cases.add_casenote",
        "cases.read_general_notes",
        "cases.read_finance_notes",
        "cases.request_access",
        "casework.add_task",
        "casework.add_document",
    },
    # Partner staff work on their own agency's cases and, within the grant's scope, on shared ones.
    Role.PARTNER_STAFF: _CASE_WORK,
    # Auditors and administrators read no case content by default.
    Role.AUDITOR: set(),
    Role.ADMINISTRATOR: _REFERENCE_DATA
    | {"accounts.view_user", "accounts.add_user", "accounts.change_user", "notifications.view_notification"},
    Role.SERVICE_ACCOUNT: set(),
}
