"""The events a partner system can subscribe to (webhooks). The referral services send them
through notify_partner_systems; the payload names the event and carries ids only."""

from django.utils.translation import gettext_lazy as _

WEBHOOK_EVENTS: dict[str, str] = {
    "referral.sent": _("Referral sent"),
    "referral.accepted": _("Referral accepted"),
    "referral.declined": _("Referral declined"),
    "referral.first_contact": _("First contact made"),
    "referral.completed": _("Referral completed"),
    "referral.withdrawn": _("Referral withdrawn"),
    "referral.expired": _("Referral expired (no answer by the deadline)"),
    "referral.reminder": _("Reminder: referral not yet answered"),
}

# Sent on demand from the endpoint's page, whatever it subscribed to; not subscribable.
TEST_EVENT = "webhook.test"


def event_choices() -> list[tuple[str, str]]:
    return list(WEBHOOK_EVENTS.items())


def event_label(event: str) -> str:
    if event == TEST_EVENT:
        return str(_("Test event"))
    return str(WEBHOOK_EVENTS.get(event, event))
