"""The roles a member can hold in an agency and what each role may do: ROLE_PERMISSIONS is the
single source of role rights. The code reads it directly (agencies.selectors.role_permissions_in,
per agency) and so does Django's permission check (agencies.backends.RoleBackend, for the admin);
there are no role groups in the database that could drift from it. Which cases a member may
touch comes from object permissions on the case (cases.access_sync); the rule for each action
is in access.rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CLERK = "clerk", _("Clerk")
    TEAM_LEAD = "team_lead", _("Team lead")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    ADMINISTRATOR = "administrator", _("Administrator")
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
    SERVICE_ACCOUNT = "service_account", _("Service account")
    REPORTING = "reporting", _("Reporting")


# Model-level permissions per role ("app_label.codename"). Later capabilities add theirs here;
# agencies.apps checks after every migrate that each name is a real permission.
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
        ("payments", "fund"),
        ("payments", "budget"),
        ("referrals", "provider"),
        ("referrals", "offer"),
    ]
    for verb in ("view", "add", "change")
} | {"agencies.delete_orgunit", "agencies.delete_location", "agencies.delete_membership"}

# Financial help: social workers ask for it; clerks approve (four eyes), export and book; a team
# lead also approves above the threshold and writes loans off. Partners only read (finance scope).
_PAYMENT_REQUEST = {"payments.view_payment", "payments.add_payment"}
_PAYMENT_DESK = _PAYMENT_REQUEST | {"payments.approve_payment", "payments.book_payment"}
_PAYMENT_LEAD = _PAYMENT_DESK | {"payments.approve_large_payment", "payments.approve_write_off"}

# The help-offer directory is for everyone's eyes; referring and answering is case work.
_DIRECTORY_READ = {"referrals.view_offer"}
_REFERRAL_WORK = _DIRECTORY_READ | {
    "referrals.view_referral",
    "referrals.add_referral",
    "referrals.answer_referral",
}

# Consultation hours: staff record contacts; team leads and administrators keep the hours and
# read the uptake report. Administrators record no contacts: a contact may be linked to a case.
_CONSULTATION_STAFF = {"consultations.view_consultationhour", "consultations.add_consultationcontact"}
_CONSULTATION_KEEP = {
    "consultations.view_consultationhour",
    "consultations.add_consultationhour",
    "consultations.change_consultationhour",
    "consultations.view_uptake",
}

# Committee reports: aggregates only, never a person or a case (reports/). Team leads and the
# reporting role produce them; the help-offer inventory (public directory data) is a section.
_REPORTS = {"reports.view_report", "reports.add_report", "referrals.view_inventory"}

# Case conferences: whoever does case work convenes (on its own cases) and attends.
_CONFERENCE_WORK = {"conferences.view_conference", "conferences.add_conference"}

# Network meetings (no case data): case workers, team leads and partner staff (Jobcenter,
# counselling centres) take part; the desk's case workers and team leads convene and keep them
# for their agency. Clerks pay and administrators keep reference data: neither reads minutes.
_NETWORK_VIEW = {"networks.view_network"}
_NETWORK_KEEP = _NETWORK_VIEW | {"networks.add_network", "networks.change_network"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.SOCIAL_WORKER: _CASE_WORK
    | _PAYMENT_REQUEST
    | _REFERRAL_WORK
    | _CONSULTATION_STAFF
    | _CONFERENCE_WORK
    | _NETWORK_KEEP,
    Role.TEAM_LEAD: _CASE_WORK
    | _PAYMENT_LEAD
    | _REFERRAL_WORK
    | _CONSULTATION_STAFF
    | _CONSULTATION_KEEP
    | _CONFERENCE_WORK
    | _NETWORK_KEEP
    | {
        "cases.decide_access_requests",
        "cases.approve_grants",
        "agencies.confirm_case_role",
        "referrals.view_inventory",
        # A legal hold stops retention on a case of their agency (retention/).
        "retention.add_legalhold",
    }
    | _REPORTS,
    # Clerks pay and look things up: general and financial notes, no sensitive categories.
    Role.CLERK: {
        "cases.view_case",
        "cases.add_casenote",
        "cases.read_general_notes",
        "cases.read_finance_notes",
        "cases.request_access",
        "casework.add_task",
        "casework.add_document",
    }
    | _PAYMENT_DESK
    | _DIRECTORY_READ
    | _CONSULTATION_STAFF,
    # Partner staff work on their own agency's cases and, within the grant's scope, on shared ones;
    # they read payments where a finance grant allows it, never change them.
    Role.PARTNER_STAFF: _CASE_WORK
    | _REFERRAL_WORK
    | _CONSULTATION_STAFF
    | _CONFERENCE_WORK
    | _NETWORK_VIEW
    | {"payments.view_payment"},
    # Auditors and administrators read no case content by default.
    # The data-protection officer (auditor) also reviews what retention removes next and answers a
    # person's requests under Art. 15-18 GDPR (privacy/).
    Role.AUDITOR: {
        "audit.view_accesslogentry",
        "retention.view_retentionrun",
        "privacy.view_subjectrequest",
        "privacy.add_subjectrequest",
        "privacy.change_subjectrequest",
    }
    | _DIRECTORY_READ,
    Role.ADMINISTRATOR: _REFERENCE_DATA
    | {
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "notifications.view_notification",
        "agencies.confirm_privileged_role",
        "referrals.change_any_offer",
        "referrals.delete_offer",
        "referrals.exchange_offers",
        "referrals.view_inventory",
        "notifications.view_webhookendpoint",
        "notifications.add_webhookendpoint",
        "notifications.change_webhookendpoint",
        "api.view_apiclient",
        "api.add_apiclient",
        "api.manage_apiclient",
        # Retention periods ship as defaults; an administrator confirms or changes them.
        "retention.view_retentionrule",
        "retention.change_retentionrule",
    }
    | _CONSULTATION_KEEP,
    # A provider's own editors keep its offers current (their agency's offers only).
    Role.DIRECTORY_EDITOR: {"referrals.view_offer", "referrals.add_offer", "referrals.change_offer"},
    # A partner system's account (api.models.ApiClient) keeps its agency's webhook subscriptions;
    # what it reads of cases comes from a case role given beside it.
    Role.SERVICE_ACCOUNT: {
        "notifications.view_webhookendpoint",
        "notifications.add_webhookendpoint",
        "notifications.change_webhookendpoint",
    },
    # Figures for the council committee: aggregates with small numbers suppressed, no case content.
    Role.REPORTING: _REPORTS,
}


def roles_with(perm: str) -> frozenset[str]:
    """The roles whose rights include `perm`."""
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)


# Roles that work on cases (they read cases where their agency's scope allows). Auditors and
# administrators never read case content by default, so they are not among them.
CASE_ROLES = roles_with("cases.view_case")

# Roles whose holders watch or run the system itself: a second administrator confirms them.
PRIVILEGED_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})
