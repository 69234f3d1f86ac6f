"""Readable names of the object types in access-log entries."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

OBJECT_TYPES = {
    "case": _("Case"),
    "person": _("Person"),
    "note": _("Note"),
    "grant": _("Grant"),
    "consent": _("Consent"),
    "session": _("Session"),
    "access_log": _("Access log"),
    "review": _("Audit review"),
}


@register.filter
def object_type_label(value: str) -> str:
    if value.startswith("admin:"):
        return f"{_('Administration')}: {value[6:]}"
    return str(OBJECT_TYPES.get(value, value or "–"))
