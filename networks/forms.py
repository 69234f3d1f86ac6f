"""Forms of network meetings. They parse input; what is allowed is decided by
networks.services, whose errors land at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.forms import AgreedActionForm
from agencies.models import Agency
from cases.forms import DATETIME_INPUT


class NetworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    rhythm = forms.CharField(
        label=_("Rhythm"),
        max_length=200,
        required=False,
        help_text=_("How often the network meets, e.g. “monthly, first Tuesday”. Each meeting is planned on its own."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Participating agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("The network is active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agencies, with_active: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["name"].mandatory = True
        self.fields["agencies"].mandatory = True
        if not with_active:
            del self.fields["is_active"]


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False, widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=DATETIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda (one item per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Name topics, not persons: case discussion in the network is anonymous."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].mandatory = True

    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("agenda") or "").splitlines() if line.strip()]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
        help_text=_("Discuss cases anonymously: no names, no details that identify a person."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    keep_names = forms.BooleanField(
        label=_("I have checked the names: they do not identify a client (keep the minutes as they are)"),
        required=False,
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DoneForm(forms.Form):
    done = forms.BooleanField(required=False)
    next_meeting = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)


class ActionForm(AgreedActionForm):
    """An action of a network meeting: due by a date, so it can be followed up."""

    mandatory = (*AgreedActionForm.mandatory, "due_on")
