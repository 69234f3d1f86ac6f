"""Forms of the webhook pages. They parse input; the address check and the access rules are the
services' (notifications.webhook_admin)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import event_choices


class WebhookEndpointForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
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

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        if len(agencies) == 1:
            # One agency: nothing to choose.
            del self.fields["agency"]
            return
        field = self.fields["agency"]
        field.choices = [("", _("Please choose")), *[(agency.pk, agency.name) for agency in agencies]]
        field.error_messages["invalid_choice"] = _("Please choose one of your agencies.")
        field.error_messages["required"] = _("Please choose one of your agencies.")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        agency = self.agencies[data["agency"]] if "agency" in data else next(iter(self.agencies.values()))
        return {"agency": agency, "url": data["url"], "events": data["events"]}
