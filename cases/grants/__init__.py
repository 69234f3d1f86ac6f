"""Consent, access grants, access requests and break-glass: the lawful sharing of a case
(§ 67d ff. SGB X: transfer only with consent or a statutory basis, for a purpose, for a time).
Every function runs in one transaction and re-derives the case's guardian rows; each public
function asks the access layer for its action. Internal paths that act with the system's
authority (a withdrawal revoking the grants resting on a consent, an approved request creating
its grant) are private functions of these modules, never flags on the public ones."""

from .access_grants import consent_covers, end_of_day, grant_approve, grant_create, grant_refuse, grant_revoke
from .break_glass import BREAK_GLASS_SITUATIONS, break_glass_open
from .conference_grants import (
    conference_grant_follow_date,
    conference_grant_open,
    conference_grant_revoke,
    conference_grant_until,
)
from .consents import consent_record, consent_withdraw
from .referral_grants import referral_grant_follow_up, referral_grant_open, referral_grant_revoke
from .requests import access_request_create, access_request_decide

__all__ = [
    "BREAK_GLASS_SITUATIONS",
    "access_request_create",
    "access_request_decide",
    "break_glass_open",
    "conference_grant_follow_date",
    "conference_grant_open",
    "conference_grant_revoke",
    "conference_grant_until",
    "consent_covers",
    "consent_record",
    "consent_withdraw",
    "end_of_day",
    "grant_approve",
    "grant_create",
    "grant_refuse",
    "grant_revoke",
    "referral_grant_follow_up",
    "referral_grant_open",
    "referral_grant_revoke",
]
