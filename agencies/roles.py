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


def group_name(role: str) -> str:
    return f"role:{role}"


# Model-level permissions per role ("app_label.codename"). Later capabilities add theirs here;
# accounts.signals syncs the groups after every migrate, so the table is the single source.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.SOCIAL_WORKER: set(),
    Role.CLERK: set(),
    Role.TEAM_LEAD: set(),
    Role.AUDITOR: set(),
    Role.PARTNER_STAFF: set(),
    Role.ADMINISTRATOR: {
        "agencies.view_agency",
        "agencies.add_agency",
        "agencies.change_agency",
        "agencies.view_orgunit",
        "agencies.add_orgunit",
        "agencies.change_orgunit",
        "agencies.delete_orgunit",
        "agencies.view_location",
        "agencies.add_location",
        "agencies.change_location",
        "agencies.delete_location",
        "agencies.view_district",
        "agencies.add_district",
        "agencies.change_district",
        "agencies.view_membership",
        "agencies.add_membership",
        "agencies.change_membership",
        "agencies.delete_membership",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "notifications.view_notification",
    },
    Role.SERVICE_ACCOUNT: set(),
}
