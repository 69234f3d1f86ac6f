"""The shell's navigation. Each capability adds its entries here with the roles that may see
them; the shell shows a person only what one of their roles allows."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agencies.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: every logged-in person
    staff_only: bool = False
    counter: str | None = None  # name of a count in the shell context shown as a badge

    def visible_to(self, user, roles: set[str]) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        return self.roles is None or bool(self.roles & roles)


_CASE_ROLES = {Role.SOCIAL_WORKER, Role.CLERK, Role.TEAM_LEAD, Role.PARTNER_STAFF}

NAVIGATION: list[NavItem] = [
    NavItem(_("Start"), "home"),
    NavItem(_("Cases"), "cases:list", roles=frozenset(_CASE_ROLES)),
    NavItem(
        _("First conversation"),
        "casework:intake_start",
        roles=frozenset({Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.PARTNER_STAFF}),
    ),
    NavItem(_("Access requests"), "cases:access_requests", roles=frozenset(_CASE_ROLES)),
    NavItem(_("Access log"), "audit:search", roles=frozenset({Role.AUDITOR})),
    NavItem(_("Reviews"), "audit:reviews", roles=frozenset({Role.AUDITOR})),
    NavItem(_("Notifications"), "notifications:inbox", counter="unread_notifications"),
    NavItem(_("Delivery failures"), "notifications:dead_letters", roles=frozenset({Role.ADMINISTRATOR})),
    NavItem(_("Administration"), "admin:index", roles=frozenset({Role.ADMINISTRATOR}), staff_only=True),
    NavItem(_("My account"), "accounts:account"),
]


def navigation_for(request, roles: set[str], counts: dict[str, int]) -> list[dict]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for item in NAVIGATION:
        if item.visible_to(request.user, roles):
            items.append(
                {
                    "label": item.label,
                    "url": reverse(item.url_name),
                    "current": current == item.url_name,
                    "count": counts.get(item.counter) if item.counter else None,
                }
            )
    return items
