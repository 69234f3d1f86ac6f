"""Writes of referrals. Each function checks the access layer itself (access.referrals,
access.case_access) and runs in one transaction."""

from .compose import referral_save
from .lifecycle import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_first_contact,
    referral_send,
    referral_withdraw,
)
from .reminders import remind_and_expire

__all__ = [
    "referral_accept",
    "referral_complete",
    "referral_decline",
    "referral_first_contact",
    "referral_save",
    "referral_send",
    "referral_withdraw",
    "remind_and_expire",
]
