"""Forms of the pages for partner clients and keys. They parse input; the name's uniqueness, the
allowed roles, the address list and the access rules are the services' (api.services)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.forms import OwnAgencyForm
from agencies.roles import Role

from .services import CLIENT_ROLES, MAX_OVERLAP

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_OVERLAP_HOURS = int(MAX_OVERLAP.total_seconds() // 3600)
DEFAULT_OVERLAP_HOURS = 24
MAX_VALIDITY_DAYS = 5 * 366
ROLES_MESSAGE = _("Please choose at least one role a client may hold.")
NETWORKS_HELP = _(
    "One address or network per line, e.g. 203.0.113.7 or 203.0.113.0/24 or 2001:db8::/32. "
    "Leave it empty to accept the client's keys from any address."
)


def _name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Name of the client"),
        max_length=120,
        help_text=_("The partner system, as your colleagues know it, e.g. “Fachverfahren Jobcenter”."),
        error_messages={
            "required": _("Please enter a name."),
            "max_length": _("The name is too long (at most 120 characters)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _networks_field() -> forms.CharField:
    return forms.CharField(
        label=_("Allowed addresses"),
        required=False,
        max_length=4000,
        strip=False,
        help_text=NETWORKS_HELP,
        error_messages={"max_length": _("The list is too long (at most 4000 characters).")},
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )


class ClientForm(OwnAgencyForm):
    """Register a client: its agency (when the person administers several), name, roles and
    allowed addresses."""

    name = _name_field()
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role, Role(role).label) for role in CLIENT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The key acts with these roles in your agency only. A second person confirms them on the page "
            "“Roles to confirm” before the key can read anything."
        ),
        error_messages={"required": ROLES_MESSAGE, "invalid_choice": ROLES_MESSAGE},
    )
    allowed_networks = _networks_field()

    def service_fields(self) -> dict:
        data, agency = self.cleaned_data, self.chosen_agency()
        return {
            "agency": agency,
            "name": data["name"],
            "roles": data["roles"],
            "allowed_networks": data["allowed_networks"],
        }


class ClientEditForm(forms.Form):
    name = _name_field()
    allowed_networks = _networks_field()


class KeyIssueForm(forms.Form):
    valid_until = forms.DateField(
        label=_("Valid until (including)"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave it empty for a key that is valid until it is revoked."),
        error_messages={"invalid": _("Please enter a date such as 31.12.2026.")},
    )

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        today = timezone.localdate()
        if day is not None and day < today:
            raise forms.ValidationError(_("The expiry date must lie in the future."))
        if day is not None and day > today + timedelta(days=MAX_VALIDITY_DAYS):
            raise forms.ValidationError(_("Please choose a date within the next five years."))
        return day

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in the local time zone (the service refuses a past one)."""
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class KeyRotateForm(forms.Form):
    overlap_hours = forms.IntegerField(
        label=_("Old key stays valid for (hours)"),
        min_value=0,
        max_value=MAX_OVERLAP_HOURS,
        initial=DEFAULT_OVERLAP_HOURS,
        help_text=_("0 to 720 hours; the partner system switches to the new key in this time."),
        error_messages={
            "required": _("Please enter the overlap in whole hours between 0 and 720."),
            "invalid": _("Please enter the overlap in whole hours between 0 and 720."),
            "min_value": _("Please enter the overlap in whole hours between 0 and 720."),
            "max_value": _("Please enter the overlap in whole hours between 0 and 720."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def overlap(self) -> timedelta:
        return timedelta(hours=self.cleaned_data["overlap_hours"])


class DeactivateForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, every key of this client stops working at once, for good."),
        error_messages={"required": _("Please confirm that the client is to be deactivated.")},
    )
