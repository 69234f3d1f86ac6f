"""Forms of the webhook pages. They parse input; the address check and the access rules are the
services' (notifications.webhook_admin)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.forms import OwnAgencyForm

from .events import event_choices


class WebhookEndpointForm(OwnAgencyForm):
    url = forms.CharField(
        label=_("Address of the partner system"),
        max_length=500,
        help_text=_("The https:// address at which the partner system receives the signed events."),
        error_messages={
            "required": _("Please enter the address of the partner system."),
            "max_length": _("The address is too long (at most 500 characters)."),
        },
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to receive every event, including those added later."),
        error_messages={"invalid_choice": _("Please choose events from the list.")},
    )

    def service_fields(self) -> dict:
        data, agency = self.cleaned_data, self.chosen_agency()
        return {"agency": agency, "url": data["url"], "events": data["events"]}
