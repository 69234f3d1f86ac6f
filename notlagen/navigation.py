"""The shell's navigation. Each capability adds its entries here with the action (access.rules)
that its page needs; the shell shows a person only what the access layer allows them."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from access.decide import may
from access.rules import Action


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: Action | None = None  # None: every logged-in person
    counter: str | None = None  # name of a count in the shell context shown as a badge

    def visible_to(self, user) -> bool:
        return self.action is None or may(user, self.action) is not None


NAVIGATION: list[NavItem] = [
    NavItem(_("Start"), "home"),
    NavItem(_("Cases"), "cases:list", Action.CASE_LIST),
    NavItem(_("First conversation"), "casework:intake_start", Action.INTAKE_START),
    NavItem(_("Payments"), "payments:queue", Action.PAYMENT_QUEUE),
    NavItem(_("Budgets"), "payments:budgets", Action.PAYMENT_QUEUE),
    NavItem(_("Help offers"), "referrals:directory", Action.DIRECTORY_VIEW),
    NavItem(_("Referral inbox"), "referrals:inbox", Action.REFERRAL_INBOX),
    NavItem(_("Outgoing referrals"), "referrals:outgoing", Action.REFERRAL_OUTGOING),
    NavItem(_("My case conferences"), "conferences:mine", Action.CONFERENCE_ATTEND),
    NavItem(_("Network meetings"), "networks:list", Action.NETWORK_VIEW),
    NavItem(_("Consultation hours"), "consultations:hours", Action.CONSULTATION_CONTACT),
    NavItem(_("Uptake report"), "consultations:uptake", Action.CONSULTATION_UPTAKE),
    NavItem(_("Committee reports"), "reports:index", Action.REPORTS_VIEW),
    NavItem(_("Access requests"), "cases:access_requests", Action.ACCESS_REQUEST_LIST),
    NavItem(_("Inventory of help offers"), "referrals:inventory", Action.INVENTORY_VIEW),
    NavItem(_("Exchange the directory"), "referrals:exchange", Action.DIRECTORY_EXCHANGE),
    NavItem(_("Sharing to approve"), "cases:grants_to_approve", Action.GRANTS_APPROVE_QUEUE),
    NavItem(_("Roles to confirm"), "agencies:roles", Action.ROLES_CONFIRM),
    NavItem(_("Access log"), "audit:search", Action.AUDIT_USE),
    NavItem(_("Reviews"), "audit:reviews", Action.AUDIT_USE),
    NavItem(_("Data-subject requests"), "privacy:list", Action.SUBJECT_REQUESTS),
    NavItem(_("Retention"), "retention:review", Action.RETENTION_REVIEW),
    NavItem(_("Retention periods"), "retention:rules", Action.RETENTION_RULES),
    NavItem(_("Notifications"), "notifications:inbox", counter="unread_notifications"),
    NavItem(_("Delivery failures"), "notifications:dead_letters", Action.OUTBOX_ADMINISTER),
    NavItem(_("Webhooks"), "notifications:webhooks", Action.WEBHOOKS_MANAGE),
    NavItem(_("API clients"), "api_clients:list", Action.API_CLIENTS_MANAGE),
    NavItem(_("Administration"), "admin:index", Action.ADMIN_USE),
    NavItem(_("My account"), "accounts:account"),
]


def navigation_for(request, counts: dict[str, int]) -> list[dict]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for item in NAVIGATION:
        if item.visible_to(request.user):
            items.append(
                {
                    "label": item.label,
                    "url": reverse(item.url_name),
                    "current": current == item.url_name,
                    "count": counts.get(item.counter) if item.counter else None,
                }
            )
    return items
