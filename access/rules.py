"""The one rule table: which right every action of the product needs.

An action is allowed *through an agency* of the actor when
1. the actor's role in that agency gives one of the rule's role permissions
   (agencies.roles.ROLE_PERMISSIONS — the only table of what a role may do),
2. for an action on a case, that agency holds the rule's scope permissions on the case now (the
   guardian rows derived from ownership and active grants, cases.access_sync), and
3. for an owner-only action, that agency owns the case (or, on a person, registered the person).
Rights never combine across agencies: a clerk at A who is a social worker at B is a clerk on
A's cases. Records of the case workspace carry a note category; for them the scope and the role
permission follow the category (cases.scopes.NOTE_CATEGORY_PERMISSION and the table below).

Views, the API, tasks and the admin never decide a rule: they name an action and ask
access.decide (may / require) or a CaseAccess."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cases.scopes import NOTE_CATEGORY_PERMISSION, PERM_BASIC, PERM_FINANCE, PERM_NOTES, NoteCategory


class On(StrEnum):
    AGENCY = "agency"  # no object: "may this person use the case list at all?"
    CASE = "case"
    PERSON = "person"


class Action(StrEnum):
    # Agency level: pages and capabilities without a particular object.
    CASE_LIST = "case.list"
    CASE_OPEN = "case.open"
    PERSON_REGISTER = "person.register"
    INTAKE_START = "intake.start"
    ACCESS_REQUEST_LIST = "access_request.list"
    ACCESS_REQUEST_INBOX = "access_request.inbox"
    AUDIT_USE = "audit.use"
    OUTBOX_ADMINISTER = "outbox.administer"
    ADMIN_USE = "admin.use"
    ROLES_REQUEST = "roles.request"
    ROLES_CONFIRM = "roles.confirm"
    ROLE_CONFIRM_CASE = "role.confirm_case"
    ROLE_CONFIRM_PRIVILEGED = "role.confirm_privileged"
    GRANTS_APPROVE_QUEUE = "grants.approve_queue"
    PAYMENT_QUEUE = "payment.queue"
    PAYMENT_EXPORT = "payment.export"
    DIRECTORY_VIEW = "directory.view"
    OFFER_EDIT = "offer.edit"
    DIRECTORY_ADMINISTER = "directory.administer"
    DIRECTORY_EXCHANGE = "directory.exchange"
    INVENTORY_VIEW = "inventory.view"
    REFERRAL_INBOX = "referral.inbox"
    REFERRAL_ANSWER = "referral.answer"
    REFERRAL_OUTGOING = "referral.outgoing"
    WEBHOOKS_MANAGE = "webhooks.manage"
    API_CLIENTS_MANAGE = "api_clients.manage"
    CONSULTATION_MANAGE = "consultation.manage"
    CONSULTATION_CONTACT = "consultation.contact"
    CONSULTATION_UPTAKE = "consultation.uptake"
    NETWORK_VIEW = "network.view"
    NETWORK_MANAGE = "network.manage"
    REPORTS_VIEW = "reports.view"
    RETENTION_RULES = "retention.rules"
    RETENTION_REVIEW = "retention.review"
    SUBJECT_REQUESTS = "subject_requests.manage"
    # On a case.
    CASE_VIEW = "case.view"
    CASE_CHANGE = "case.change"
    CASE_CLOSE = "case.close"
    CASE_HAND_OVER = "case.hand_over"
    GRANTS_MANAGE = "grants.manage"
    SHARING_VIEW = "sharing.view"
    CONSENT_DOCUMENTS_VIEW = "consent_documents.view"
    ACCESS_REQUEST_DECIDE = "access_request.decide"
    GRANT_APPROVE = "grant.approve"
    ACCESS_REQUEST_CREATE = "access_request.create"
    BREAK_GLASS = "break_glass"
    INTAKE_CONDUCT = "intake.conduct"
    INTAKE_READ = "intake.read"
    CASE_TEXT_READ = "case_text.read"
    RECORDS_VIEW = "records.view"
    NOTE_READ = "note.read"
    NOTE_ADD = "note.add"
    TASK_ADD = "task.add"
    TASK_CHANGE = "task.change"
    APPOINTMENT_ADD = "appointment.add"
    APPOINTMENT_CHANGE = "appointment.change"
    DOCUMENT_ADD = "document.add"
    GOAL_ADD = "goal.add"
    GOAL_CHANGE = "goal.change"
    PAYMENT_VIEW = "payment.view"
    PAYMENT_REQUEST = "payment.request"
    PAYMENT_APPROVE = "payment.approve"
    PAYMENT_APPROVE_LARGE = "payment.approve_large"
    PAYMENT_BOOK = "payment.book"
    WRITE_OFF_APPROVE = "payment.write_off_approve"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_CREATE = "referral.create"
    CONSULTATION_CONTACT_LINK = "consultation.contact_link"
    CONFERENCE_LIST = "conference.list"
    CONFERENCE_CONVENE = "conference.convene"
    CONFERENCE_ATTEND = "conference.attend"
    LEGAL_HOLD_SET = "legal_hold.set"
    # On a person.
    PERSON_CHANGE = "person.change"
    CONSENT_MANAGE = "consent.manage"
    CASE_OPEN_FOR_PERSON = "case.open_for_person"
    INTAKE_START_FOR_PERSON = "intake.start_for_person"


class Category(StrEnum):
    """How a rule depends on the note category of the record concerned."""

    NONE = "none"
    READ = "read"  # reading a record of the category
    WRITE = "write"  # adding or changing one: collaboration, the category's scope, and reading it
    ANY_READ = "any_read"  # some category is readable (the workspace tabs of records)


# Which role permission lets a person read records of a note category (the scope must allow it too).
NOTE_CATEGORY_ROLE_PERMISSION: dict[str, str] = {
    NoteCategory.GENERAL: "cases.read_general_notes",
    NoteCategory.HEALTH: "cases.read_sensitive_notes",
    NoteCategory.VIOLENCE: "cases.read_sensitive_notes",
    NoteCategory.RESIDENCE: "cases.read_sensitive_notes",
    NoteCategory.FINANCES: "cases.read_finance_notes",
}


@dataclass(frozen=True)
class Rule:
    on: On
    roles: frozenset[str]  # any one of these role permissions, in the acting agency
    scope: frozenset[str] = frozenset()  # case object permissions the acting agency needs
    category: Category = Category.NONE
    owner_only: bool = False  # the acting agency owns the case / registered the person
    other_agency: bool = False  # only through an agency that does not own the case
    # A partner (not the owning agency) changes only records its own agency created.
    own_records: bool = False
    second_factor: bool = False  # the session passed the second factor
    staff: bool = False  # a staff account (the Django admin)
    # For the access log: what a refusal of this action is recorded as.
    verb: str = "view"
    object_type: str = "case"

    def needs(self, category: str | None) -> tuple[tuple[frozenset[str], ...], frozenset[str]]:
        """For a note category: the role requirements (from each set, one role permission is
        needed) and the scope permissions (all needed) in the acting agency."""
        if self.category in (Category.NONE, Category.ANY_READ):
            return (self.roles,), self.scope
        if category not in NOTE_CATEGORY_PERMISSION:
            return (frozenset(),), frozenset({"__no_such_category__"})
        read_role = frozenset({NOTE_CATEGORY_ROLE_PERMISSION[category]})
        category_scope = frozenset({NOTE_CATEGORY_PERMISSION[category]})
        if self.category == Category.READ:
            return (read_role,), category_scope
        # Writing a record of a category: the role must write it *and* read it.
        return (self.roles, read_role), category_scope | {PERM_NOTES}


def _r(on: On, *roles: str, **options) -> Rule:
    return Rule(on=on, roles=frozenset(roles), **options)


def _case(*roles: str, **options) -> Rule:
    options.setdefault("scope", frozenset({PERM_BASIC}))
    return _r(On.CASE, *roles, **options)


def _owner(*roles: str, **options) -> Rule:
    return _case(*roles, owner_only=True, **options)


def _write(role: str, object_type: str, verb: str = "create", **options) -> Rule:
    return _case(role, category=Category.WRITE, verb=verb, object_type=object_type, **options)


_FINANCE = frozenset({PERM_BASIC, PERM_FINANCE})

RULES: dict[Action, Rule] = {
    Action.CASE_LIST: _r(On.AGENCY, "cases.view_case", verb="list"),
    Action.CASE_OPEN: _r(On.AGENCY, "cases.add_case", verb="create"),
    Action.PERSON_REGISTER: _r(On.AGENCY, "cases.add_person", verb="create", object_type="person"),
    Action.INTAKE_START: _r(On.AGENCY, "casework.add_intake", verb="create", object_type="intake"),
    Action.ACCESS_REQUEST_LIST: _r(
        On.AGENCY, "cases.request_access", "cases.decide_access_requests", verb="list", object_type="access_request"
    ),
    Action.ACCESS_REQUEST_INBOX: _r(
        On.AGENCY, "cases.decide_access_requests", verb="list", object_type="access_request"
    ),
    Action.AUDIT_USE: _r(On.AGENCY, "audit.view_accesslogentry", second_factor=True, object_type="access_log"),
    Action.OUTBOX_ADMINISTER: _r(On.AGENCY, "notifications.view_notification", object_type="notification"),
    Action.ADMIN_USE: _r(On.AGENCY, "agencies.view_agency", staff=True, object_type="admin"),
    Action.ROLES_REQUEST: _r(On.AGENCY, "agencies.add_membership", verb="change", object_type="membership"),
    Action.ROLES_CONFIRM: _r(
        On.AGENCY,
        "agencies.confirm_case_role",
        "agencies.confirm_privileged_role",
        verb="list",
        object_type="membership",
    ),
    Action.ROLE_CONFIRM_CASE: _r(On.AGENCY, "agencies.confirm_case_role", verb="change", object_type="membership"),
    Action.ROLE_CONFIRM_PRIVILEGED: _r(
        On.AGENCY, "agencies.confirm_privileged_role", second_factor=True, verb="change", object_type="membership"
    ),
    Action.GRANTS_APPROVE_QUEUE: _r(On.AGENCY, "cases.approve_grants", verb="list", object_type="grant"),
    Action.CASE_VIEW: _case("cases.view_case"),
    Action.CASE_CHANGE: _owner("cases.change_case", verb="change"),
    Action.CASE_CLOSE: _owner("cases.close_case", verb="change"),
    Action.CASE_HAND_OVER: _owner("cases.change_case", verb="change"),
    Action.GRANTS_MANAGE: _owner("cases.manage_grants", object_type="grant"),
    Action.SHARING_VIEW: _owner("cases.manage_grants", "cases.manage_consent", object_type="grant"),
    Action.CONSENT_DOCUMENTS_VIEW: _owner("cases.manage_consent", object_type="document"),
    Action.ACCESS_REQUEST_DECIDE: _owner("cases.decide_access_requests", verb="change", object_type="access_request"),
    Action.GRANT_APPROVE: _owner("cases.approve_grants", verb="change", object_type="grant"),
    # Asking for access and breaking the glass happen *without* seeing the case: no scope.
    Action.ACCESS_REQUEST_CREATE: _case(
        "cases.request_access", scope=frozenset(), other_agency=True, verb="create", object_type="access_request"
    ),
    Action.BREAK_GLASS: _case("cases.break_glass", scope=frozenset(), other_agency=True, verb="break_glass"),
    Action.INTAKE_CONDUCT: _owner("casework.add_intake", verb="change", object_type="intake"),
    Action.INTAKE_READ: _owner("cases.view_case", object_type="intake"),
    # The reason for contact and the summary are free text that may name violence or illness:
    # shown only with collaboration (general notes), never with the basic scope alone.
    Action.CASE_TEXT_READ: _case("cases.read_general_notes", scope=frozenset({PERM_BASIC, PERM_NOTES})),
    Action.RECORDS_VIEW: _case(category=Category.ANY_READ, object_type="record"),
    Action.NOTE_READ: _case(category=Category.READ, object_type="note"),
    Action.NOTE_ADD: _write("cases.add_casenote", "note"),
    Action.TASK_ADD: _write("casework.add_task", "task"),
    Action.TASK_CHANGE: _write("casework.add_task", "task", verb="change", own_records=True),
    Action.APPOINTMENT_ADD: _write("casework.add_appointment", "appointment"),
    Action.APPOINTMENT_CHANGE: _write("casework.add_appointment", "appointment", verb="change", own_records=True),
    Action.DOCUMENT_ADD: _write("casework.add_document", "document"),
    # The case plan is the owning agency's, agreed with the person; partners read it.
    Action.GOAL_ADD: _write("casework.add_goal", "goal", owner_only=True),
    Action.GOAL_CHANGE: _write("casework.add_goal", "goal", verb="change", owner_only=True),
    # Financial help needs the finance scope. The work queue and the export are the desk's own:
    # only payments of the agency's funds on the agency's cases appear there.
    Action.PAYMENT_QUEUE: _r(
        On.AGENCY, "payments.approve_payment", "payments.book_payment", verb="list", object_type="payment"
    ),
    Action.PAYMENT_EXPORT: _r(On.AGENCY, "payments.book_payment", verb="export", object_type="payment"),
    Action.PAYMENT_VIEW: _case("payments.view_payment", scope=_FINANCE, object_type="payment"),
    Action.PAYMENT_REQUEST: _owner("payments.add_payment", scope=_FINANCE, verb="create", object_type="payment"),
    Action.PAYMENT_APPROVE: _owner("payments.approve_payment", scope=_FINANCE, verb="change", object_type="payment"),
    Action.PAYMENT_APPROVE_LARGE: _owner(
        "payments.approve_large_payment", scope=_FINANCE, verb="change", object_type="payment"
    ),
    Action.PAYMENT_BOOK: _owner("payments.book_payment", scope=_FINANCE, verb="change", object_type="payment"),
    Action.WRITE_OFF_APPROVE: _owner(
        "payments.approve_write_off", scope=_FINANCE, verb="change", object_type="payment"
    ),
    # The help-offer directory is readable by all staff. A provider's own editors change its
    # offers (right_in the provider's agency); the city's administrators change every offer.
    Action.DIRECTORY_VIEW: _r(On.AGENCY, "referrals.view_offer", object_type="offer"),
    Action.OFFER_EDIT: _r(On.AGENCY, "referrals.change_offer", verb="change", object_type="offer"),
    Action.DIRECTORY_ADMINISTER: _r(On.AGENCY, "referrals.change_any_offer", verb="change", object_type="offer"),
    Action.DIRECTORY_EXCHANGE: _r(On.AGENCY, "referrals.exchange_offers", verb="export", object_type="offer"),
    Action.INVENTORY_VIEW: _r(On.AGENCY, "referrals.view_inventory", object_type="inventory"),
    # Referrals: the case's owner refers and follows its referrals; the receiving agency answers
    # in its inbox (right_in the receiving agency) and sees the case only through the grant an
    # acceptance opens.
    Action.REFERRAL_INBOX: _r(On.AGENCY, "referrals.answer_referral", verb="list", object_type="referral"),
    Action.REFERRAL_ANSWER: _r(On.AGENCY, "referrals.answer_referral", verb="change", object_type="referral"),
    Action.REFERRAL_OUTGOING: _r(On.AGENCY, "referrals.view_referral", verb="list", object_type="referral"),
    Action.REFERRAL_VIEW: _owner("referrals.view_referral", object_type="referral"),
    Action.REFERRAL_CREATE: _owner("referrals.add_referral", verb="create", object_type="referral"),
    # Partner clients and their keys: an agency's administrators register them (right_in the
    # client's agency); their roles still need a second person (agencies.services).
    Action.API_CLIENTS_MANAGE: _r(On.AGENCY, "api.manage_apiclient", verb="change", object_type="api_client"),
    Action.WEBHOOKS_MANAGE: _r(On.AGENCY, "notifications.change_webhookendpoint", verb="change", object_type="webhook"),
    # Consultation hours: an agency's team leads and administrators keep its hours (right_in the
    # hours' agency); its staff record contacts, anonymous by default; linking a contact to a
    # case is case work like any other (the case's basic scope, logged); team leads and
    # administrators read the uptake report (counts only, small counts suppressed).
    Action.CONSULTATION_MANAGE: _r(
        On.AGENCY, "consultations.change_consultationhour", verb="change", object_type="consultation_hour"
    ),
    Action.CONSULTATION_CONTACT: _r(
        On.AGENCY, "consultations.add_consultationcontact", verb="create", object_type="consultation_contact"
    ),
    Action.CONSULTATION_UPTAKE: _r(On.AGENCY, "consultations.view_uptake", object_type="uptake_report"),
    Action.CONSULTATION_CONTACT_LINK: _case(
        "consultations.add_consultationcontact", verb="create", object_type="consultation_contact"
    ),
    # Case conferences: the case's owner convenes, invites, withdraws invitations, chairs and writes
    # the minutes; a participating agency (access/conferences.py decides who participates) reads
    # the conference and the case within the grant the invitation opened, and confirms
    # confidentiality and its attendance.
    Action.CONFERENCE_LIST: _owner("cases.view_case", verb="list", object_type="conference"),
    Action.CONFERENCE_CONVENE: _owner("conferences.add_conference", verb="create", object_type="conference"),
    Action.CONFERENCE_ATTEND: _r(On.AGENCY, "conferences.view_conference", object_type="conference"),
    # Network meetings (Netzwerktreffen) hold no case data: they are decided per agency, never on
    # a case. Members of the convening agency with NETWORK_MANAGE there set the network up, plan
    # meetings and write minutes and actions; members of a participating agency (or of the
    # convening one) with NETWORK_VIEW there read them (access/networks.py decides the side).
    Action.NETWORK_VIEW: _r(On.AGENCY, "networks.view_network", object_type="network"),
    Action.NETWORK_MANAGE: _r(On.AGENCY, "networks.change_network", verb="change", object_type="network"),
    # Committee reports: aggregates with small numbers suppressed, never a person or a case;
    # produced right_in an agency for that agency's figures (or the city's, reports.scopes).
    Action.REPORTS_VIEW: _r(On.AGENCY, "reports.view_report", object_type="report"),
    # Retention (Löschfristen): administrators confirm the periods; the data-protection officer
    # reviews what goes next and places legal holds there; a case's team lead holds its own case.
    Action.RETENTION_RULES: _r(
        On.AGENCY, "retention.change_retentionrule", second_factor=True, verb="change", object_type="retention_rule"
    ),
    Action.RETENTION_REVIEW: _r(
        On.AGENCY, "retention.view_retentionrun", second_factor=True, object_type="retention_run"
    ),
    Action.LEGAL_HOLD_SET: _owner("retention.add_legalhold", verb="change", object_type="legal_hold"),
    # A person's requests under Art. 15-18 GDPR: the data-protection officer (auditor role).
    Action.SUBJECT_REQUESTS: _r(
        On.AGENCY, "privacy.view_subjectrequest", second_factor=True, object_type="subject_request"
    ),
    Action.PERSON_CHANGE: _r(On.PERSON, "cases.change_person", owner_only=True, verb="change", object_type="person"),
    Action.CONSENT_MANAGE: _r(On.PERSON, "cases.manage_consent", owner_only=True, object_type="consent"),
    Action.CASE_OPEN_FOR_PERSON: _r(On.PERSON, "cases.add_case", owner_only=True, verb="create", object_type="person"),
    Action.INTAKE_START_FOR_PERSON: _r(
        On.PERSON, "casework.add_intake", owner_only=True, verb="create", object_type="person"
    ),
}

# The kind of workspace record -> the actions that add and change it.
RECORD_ACTIONS: dict[str, tuple[Action, Action | None]] = {
    "note": (Action.NOTE_ADD, None),
    "task": (Action.TASK_ADD, Action.TASK_CHANGE),
    "appointment": (Action.APPOINTMENT_ADD, Action.APPOINTMENT_CHANGE),
    "document": (Action.DOCUMENT_ADD, None),
    "goal": (Action.GOAL_ADD, Action.GOAL_CHANGE),
}


def rule(action: Action | str) -> Rule:
    return RULES[Action(action)]
