"""Readable names of the object types in access-log entries."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Every object type the access layer records (tests/test_audit_labels.py keeps this complete).
OBJECT_TYPES = {
    "case": _("Case"),
    "person": _("Person"),
    "note": _("Note"),
    "grant": _("Grant"),
    "consent": _("Consent"),
    "consent_form": _("Consent form"),
    "session": _("Session"),
    "access_log": _("Access log"),
    "review": _("Audit review"),
    "intake": _("First conversation"),
    "situation": _("Situation"),
    "life_area": _("Life area"),
    "task": _("Task"),
    "appointment": _("Appointment"),
    "document": _("Document"),
    "goal": _("Goal of the case plan"),
    "timeline": _("Timeline"),
    "record": _("Workspace record"),
    "access_request": _("Access request"),
    "duplicate_match": _("Duplicate-check result"),
    "membership": _("Role"),
    "invitation": _("Invitation"),
    "agency": _("Agency"),
    "notification": _("Notification"),
    "page": _("Page"),
    "admin": _("Administration"),
    "payment": _("Payment"),
    "payment_export": _("Payment export"),
    "risk_assessment": _("Risk assessment"),
    "offer": _("Help offer"),
    "inventory": _("Inventory of help offers"),
    "referral": _("Referral"),
    "referral_slip": _("Referral slip"),
    "conference": _("Case conference"),
    "network": _("Network"),
    "network_meeting": _("Network meeting"),
    "network_minutes": _("Minutes of a network meeting"),
    "network_action": _("Action of a network meeting"),
    "consultation_hour": _("Consultation hour"),
    "consultation_contact": _("Consultation contact"),
    "consultation_booking": _("Consultation booking"),
    "uptake_report": _("Uptake report"),
    "webhook": _("Webhook"),
    "api_client": _("API client"),
    "event": _("Partner event"),
    "report": _("Committee report"),
    "retention_rule": _("Retention rule"),
    "retention_run": _("Retention run"),
    "legal_hold": _("Legal hold"),
    "subject_request": _("Data-subject request"),
}


@register.filter
def object_type_label(value: str) -> str:
    if value.startswith("admin:"):
        return f"{_('Administration')}: {value[6:]}"
    return str(OBJECT_TYPES.get(value, value or "–"))
