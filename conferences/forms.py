"""Forms of case conferences. They parse input; what may be convened is decided by
conferences.services, whose errors land at these fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.forms import AgreedActionForm
from agencies.models import Agency
from cases.forms import DATETIME_INPUT, LegalBasisChoiceMixin
from cases.scopes import scope_choices

from .models import ConferenceAction, Participant

PARTICIPANT_ROWS = 3


class ConveneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the conference is to settle. The invited agencies see it; keep case details out."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False, widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=DATETIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda (one item per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    guests = forms.CharField(
        label=_("External guests (one per line: name, organisation)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Guests have no account; they are named in the minutes only."),
    )
    previous = forms.TypedChoiceField(label=_("Follow-up of"), required=False, coerce=int, empty_value=None)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=None, required=False)

    def __init__(self, *args, previous_choices=(), chairs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].choices = [("", "—"), *previous_choices]
        self.fields["chair"].queryset = chairs
        self.fields["chair"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["chair"].help_text = _("Leave empty to chair it yourself.")
        for name in ("title", "purpose", "starts_at", "ends_at"):
            self.fields[name].mandatory = True

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get(name) or "").splitlines() if line.strip()][:30]

    def guest_rows(self) -> list[dict]:
        rows = []
        for line in self.lines("guests"):
            name, _sep, organisation = line.partition(",")
            rows.append({"name": name.strip()[:150], "organisation": organisation.strip()[:200]})
        return rows


class ParticipantForm(LegalBasisChoiceMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    scope = forms.ChoiceField(label=_("What is shared"), choices=(), required=False)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=(), required=False)

    def __init__(self, *args, agencies, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["scope"].choices = [("", "—"), *scope_choices()]
        self._offer_legal_bases(consents)

    def row(self) -> dict | None:
        data = self.cleaned_data
        if data.get("agency") is None:
            return None
        return {"agency": data["agency"], "scope": data.get("scope"), **self.basis()}


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False, widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=DATETIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].mandatory = True

    @classmethod
    def of(cls, conference, **kwargs):
        initial = {name: getattr(conference, name) for name in ("place", "video_link", "version")}
        zone_local = {name: timezone.localtime(getattr(conference, name)) for name in ("starts_at", "ends_at")}
        return cls(initial={**initial, **zone_local}, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].mandatory = True  # checked by the service, which says what is missing


class WithdrawForm(ReasonForm):
    participant = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 12}), max_length=50_000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttendanceForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Participant.Attendance.choices)
    sent_information = forms.BooleanField(label=_("Sent information beforehand"), required=False)
    representative = forms.IntegerField(required=False)


class ReviewForm(forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Why still open"),
        choices=[
            (ConferenceAction.Status.CIRCUMSTANCES_CHANGED, ConferenceAction.Status.CIRCUMSTANCES_CHANGED.label),
            (ConferenceAction.Status.NOT_DONE, ConferenceAction.Status.NOT_DONE.label),
        ],
    )


class GuestsForm(forms.Form):
    present = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, guests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(g.pk, g.name) for g in guests]


class ActionForm(AgreedActionForm):
    """An action of a case conference: its due date is optional."""
