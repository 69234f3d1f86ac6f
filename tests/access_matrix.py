"""The permission matrix at the access-layer level (STYLE.md §4): actor × action → allowed, and
through which agency. Independent of HTML: tests/test_access_rules.py checks the access layer
against it directly, and the web matrix (tests/test_access_matrix.py) — like the coming API
matrix — takes its expectations from here instead of keeping a table of its own.

The actors are those of tests.world: the owning agency's social worker, team lead, clerk and
administrator; one partner agency per scope (a grant on a statute basis); an unrelated agency;
an auditor."""

from access.rules import Action

ACTORS = [
    "social_worker",
    "team_lead",
    "clerk",
    "grantee_basic",
    "grantee_collaborate",
    "grantee_finance",
    "grantee_sensitive",
    "unrelated",
    "auditor",
    "administrator",
]

# name -> (action, note category or None); the target (none, the world's case or its person)
# follows from the action's rule.
OPERATIONS: dict[str, tuple[Action, str | None]] = {
    "case_list": (Action.CASE_LIST, None),
    "case_open": (Action.CASE_OPEN, None),
    "intake_start": (Action.INTAKE_START, None),
    "access_request_list": (Action.ACCESS_REQUEST_LIST, None),
    "access_request_inbox": (Action.ACCESS_REQUEST_INBOX, None),
    "audit_use": (Action.AUDIT_USE, None),
    "admin_use": (Action.ADMIN_USE, None),
    "outbox_administer": (Action.OUTBOX_ADMINISTER, None),
    "case_view": (Action.CASE_VIEW, None),
    "read_general": (Action.NOTE_READ, "general"),
    "read_health": (Action.NOTE_READ, "health"),
    "read_violence": (Action.NOTE_READ, "violence"),
    "read_residence": (Action.NOTE_READ, "residence"),
    "read_finances": (Action.NOTE_READ, "finances"),
    "records_view": (Action.RECORDS_VIEW, None),
    "note_add_general": (Action.NOTE_ADD, "general"),
    "note_add_health": (Action.NOTE_ADD, "health"),
    "note_add_finances": (Action.NOTE_ADD, "finances"),
    "task_add_general": (Action.TASK_ADD, "general"),
    "document_add_general": (Action.DOCUMENT_ADD, "general"),
    "goal_add_general": (Action.GOAL_ADD, "general"),
    "case_change": (Action.CASE_CHANGE, None),
    "case_close": (Action.CASE_CLOSE, None),
    "case_hand_over": (Action.CASE_HAND_OVER, None),
    "grants_manage": (Action.GRANTS_MANAGE, None),
    "sharing_view": (Action.SHARING_VIEW, None),
    "intake_conduct": (Action.INTAKE_CONDUCT, None),
    "intake_read": (Action.INTAKE_READ, None),
    "access_request_decide": (Action.ACCESS_REQUEST_DECIDE, None),
    "access_request_create": (Action.ACCESS_REQUEST_CREATE, None),
    "break_glass": (Action.BREAK_GLASS, None),
    "consent_manage": (Action.CONSENT_MANAGE, None),
    "person_change": (Action.PERSON_CHANGE, None),
    "person_register": (Action.PERSON_REGISTER, None),
    "consent_documents_view": (Action.CONSENT_DOCUMENTS_VIEW, None),
    "task_change_general": (Action.TASK_CHANGE, "general"),
    "appointment_add_general": (Action.APPOINTMENT_ADD, "general"),
    "appointment_change_general": (Action.APPOINTMENT_CHANGE, "general"),
    "goal_change_general": (Action.GOAL_CHANGE, "general"),
    "roles_request": (Action.ROLES_REQUEST, None),
    "roles_confirm": (Action.ROLES_CONFIRM, None),
    "role_confirm_case": (Action.ROLE_CONFIRM_CASE, None),
    "role_confirm_privileged": (Action.ROLE_CONFIRM_PRIVILEGED, None),
    "grants_approve_queue": (Action.GRANTS_APPROVE_QUEUE, None),
    "grant_approve": (Action.GRANT_APPROVE, None),
    "case_text_read": (Action.CASE_TEXT_READ, None),
    "payment_view": (Action.PAYMENT_VIEW, None),
    "payment_request": (Action.PAYMENT_REQUEST, None),
    "payment_approve": (Action.PAYMENT_APPROVE, None),
    "payment_approve_large": (Action.PAYMENT_APPROVE_LARGE, None),
    "payment_book": (Action.PAYMENT_BOOK, None),
    "write_off_approve": (Action.WRITE_OFF_APPROVE, None),
    "payment_queue": (Action.PAYMENT_QUEUE, None),
    "payment_export": (Action.PAYMENT_EXPORT, None),
    "directory_view": (Action.DIRECTORY_VIEW, None),
    "offer_edit": (Action.OFFER_EDIT, None),
    "directory_administer": (Action.DIRECTORY_ADMINISTER, None),
    "directory_exchange": (Action.DIRECTORY_EXCHANGE, None),
    "inventory_view": (Action.INVENTORY_VIEW, None),
    "referral_inbox": (Action.REFERRAL_INBOX, None),
    "referral_answer": (Action.REFERRAL_ANSWER, None),
    "referral_outgoing": (Action.REFERRAL_OUTGOING, None),
    "webhooks_manage": (Action.WEBHOOKS_MANAGE, None),
    "referral_view": (Action.REFERRAL_VIEW, None),
    "referral_create": (Action.REFERRAL_CREATE, None),
    "consultation_manage": (Action.CONSULTATION_MANAGE, None),
    "consultation_contact": (Action.CONSULTATION_CONTACT, None),
    "consultation_uptake": (Action.CONSULTATION_UPTAKE, None),
    "consultation_contact_link": (Action.CONSULTATION_CONTACT_LINK, None),
    "conference_list": (Action.CONFERENCE_LIST, None),
    "conference_convene": (Action.CONFERENCE_CONVENE, None),
    "conference_attend": (Action.CONFERENCE_ATTEND, None),
}

Y, N = True, False
# fmt: off
_COLUMNS = list(OPERATIONS)
_ROWS = {
    #                      list open intk rqls inbx audt admn outb view gen  hlth viol res  fin  recs
    #                      n+gn n+hl n+fn task doc  goal chg  cls  hand grnt shar intc intr dcde rqcr brgl cons pers
    #                      preg cdoc tchg appt achg gchg rreq rcnf rcse rprv gaq  gapp text
    #                      pay: view rqst appr larg book wrof queu expo
    #                      dir: view edit admn xchg invt; ref: inbx answ outg; hook; ref: view crea
    #                      consultation: mang cont uptk link; conference: list conv attd
    "social_worker":      [Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   Y,   Y,   Y,   Y,   Y,   Y,
                           Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N,   N,   N,   Y,   Y,
                           Y,   Y,   Y,   Y,   Y,   Y,
                           N,   N,   N,   N,   N,   N,   Y,
                           Y,   Y,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   Y,   Y,   Y,   N,   Y,   Y,
                           N,   Y,   N,   Y,
                           Y,   Y,   Y],
    "team_lead":          [Y,   Y,   Y,   Y,   Y,   N,   N,   N,   Y,   Y,   Y,   Y,   Y,   Y,   Y,
                           Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   N,   N,   Y,   Y,
                           Y,   Y,   Y,   Y,   Y,   Y,
                           N,   Y,   Y,   N,   Y,   Y,   Y,
                           Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,
                           Y,   N,   N,   N,   Y,   Y,   Y,   Y,   N,   Y,   Y,
                           Y,   Y,   Y,   Y,
                           Y,   Y,   Y],
    "clerk":              [Y,   N,   N,   Y,   N,   N,   N,   N,   Y,   Y,   N,   N,   N,   Y,   Y,
                           Y,   N,   Y,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,   Y,   N,   N,   N,   N,   N,
                           N,   N,   Y,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   Y,
                           Y,   Y,   Y,   N,   Y,   N,   Y,   Y,
                           Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,
                           N,   Y,   N,   Y,
                           Y,   N,   N],
    "grantee_basic":      [Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N,
                           Y,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   Y,   Y,   Y,   N,   N,   N,
                           N,   Y,   N,   Y,
                           N,   N,   Y],
    "grantee_collaborate": [Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   Y,   N,   N,   N,   N,   Y,
                           Y,   N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N,
                           Y,   N,   N,   Y,   N,   N,
                           N,   N,   N,   N,   N,   N,   Y,
                           N,   N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   Y,   Y,   Y,   N,   N,   N,
                           N,   Y,   N,   Y,
                           N,   N,   Y],
    "grantee_finance":    [Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   N,   N,   N,   N,   Y,   Y,
                           N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N,
                           Y,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   Y,   Y,   Y,   N,   N,   N,
                           N,   Y,   N,   Y,
                           N,   N,   Y],
    "grantee_sensitive":  [Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   Y,   Y,   Y,   Y,   N,   Y,
                           Y,   Y,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N,
                           Y,   N,   N,   Y,   N,   N,
                           N,   N,   N,   N,   N,   N,   Y,
                           N,   N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   Y,   Y,   Y,   N,   N,   N,
                           N,   Y,   N,   Y,
                           N,   N,   Y],
    "unrelated":          [Y,   Y,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N,
                           Y,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   Y,   Y,   Y,   N,   N,   N,
                           N,   Y,   N,   N,
                           N,   N,   Y],
    "auditor":            [N,   N,   N,   N,   N,   Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,
                           Y,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,
                           N,   N,   N],
    "administrator":      [N,   N,   N,   N,   N,   N,   Y,   Y,   N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,
                           Y,   Y,   N,   Y,   N,   N,   N,
                           N,   N,   N,   N,   N,   N,   N,   N,
                           Y,   Y,   Y,   Y,   Y,   N,   N,   N,   Y,   N,   N,
                           Y,   N,   Y,   N,
                           N,   N,   N],
}
# fmt: on
assert all(len(row) == len(_COLUMNS) for row in _ROWS.values()), "every row names every operation"
EXPECTED: dict[str, dict[str, bool]] = {actor: dict(zip(_COLUMNS, row, strict=True)) for actor, row in _ROWS.items()}


def allowed(actor: str, operation: str) -> bool:
    return EXPECTED[actor][operation]


def cases() -> list[tuple[str, str, bool]]:
    return [(actor, op, EXPECTED[actor][op]) for actor in ACTORS for op in OPERATIONS]
