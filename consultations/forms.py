"""Forms of consultation hours. They parse input — the schedule from weekday boxes and an
interval, so nobody types an RFC 5545 rule; who may save what, and the hour's own rules, are
the services' questions (consultations.services and consultations.work)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import District
from notlagen.dates import format_when
from referrals.models import Offer, Weekday
from referrals.vocabulary import Language

from . import schedule
from .vocabulary import ApplicationKind, ExceptionKind, HolidayRegion, Mode, Outcome, Topic

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_MAX_ID = 2**31 - 1
_DATE_ERRORS = {"invalid": _("Please enter a valid date.")}
_TIME_ERRORS = {"invalid": _("Please enter a time like 10:00.")}


class HourForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=_MAX_ID)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("For example: BuT consultation hour"),
        error_messages={"required": _("Please give the consultation hour a title.")},
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=None,
        help_text=_("Where the hour is held: a location of your agency or of one of its neighbourhood offices."),
        error_messages={"required": _("Please choose the location.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one topic.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of counselling"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one language.")},
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one weekday.")},
    )
    interval = forms.TypedChoiceField(
        label=_("How often"),
        choices=[(1, _("Every week")), (2, _("Every two weeks"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how often the hour is held.")},
    )
    start_time = forms.TimeField(label=_("Begins at"), widget=TIME_INPUT, error_messages=_TIME_ERRORS)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_INPUT, error_messages=_TIME_ERRORS)
    starts_on = forms.DateField(label=_("First day"), widget=DATE_INPUT, error_messages=_DATE_ERRORS)
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Leave empty if the hour is held until further notice."),
        error_messages=_DATE_ERRORS,
    )
    mode = forms.ChoiceField(label=_("How people come"), choices=Mode.choices, widget=forms.RadioSelect)
    slot_minutes = forms.IntegerField(
        label=_("Minutes per appointment"),
        required=False,
        min_value=5,
        max_value=240,
        help_text=_("Only for appointments in time slots."),
        error_messages={
            "invalid": _("Please enter whole minutes."),
            "min_value": _("Please enter the length of an appointment: 5 to 240 minutes."),
            "max_value": _("Please enter the length of an appointment: 5 to 240 minutes."),
        },
    )
    holiday_region = forms.ChoiceField(
        label=_("Skip the public holidays of"),
        choices=[("", _("no state (enter holidays as exceptions)"))] + HolidayRegion.choices,
        required=False,
    )
    public_note = forms.CharField(
        label=_("Note for visitors"),
        max_length=300,
        required=False,
        help_text=_("Shown on the public page and the poster, for example: please bring your notice. No names."),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for colleagues; never shown to the public."),
    )
    is_active = forms.BooleanField(label=_("Active (listed on the public page)"), required=False)

    def __init__(self, *args, agencies, locations, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["location"].queryset = locations
        self.fields["staff"].queryset = colleagues
        self.fields["location"].label_from_instance = lambda location: f"{location.name}, {location.street}"
        self.fields["staff"].label_from_instance = lambda user: user.get_full_name() or user.username

    @staticmethod
    def initial_for(hour) -> dict:
        weekdays, interval = schedule.parse_rule(hour.rrule) or ([], 1)
        return {
            "version": hour.version,
            "agency": hour.agency_id,
            "title": hour.title,
            "location": hour.location_id,
            "topics": hour.topics,
            "languages": hour.languages,
            "weekdays": weekdays,
            "interval": interval,
            "start_time": hour.start_time,
            "end_time": hour.end_time,
            "starts_on": hour.starts_on,
            "ends_on": hour.ends_on,
            "mode": hour.mode,
            "slot_minutes": hour.slot_minutes,
            "holiday_region": hour.holiday_region,
            "public_note": hour.public_note,
            "staff": [user.pk for user in hour.staff.all()],
            "is_active": hour.is_active,
        }

    def hour_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["rrule"] = schedule.build_rule(data.pop("weekdays"), data.pop("interval"))
        for name in ("version", "agency"):
            data.pop(name, None)
        return data


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, error_messages=_DATE_ERRORS)
    kind = forms.ChoiceField(label=_("Reason for the exception"), choices=ExceptionKind.choices)
    note = forms.CharField(
        label=_("Note for visitors"),
        max_length=200,
        required=False,
        help_text=_("For example: the office is closed for the neighbourhood festival."),
    )


class BookingForm(forms.Form):
    date = forms.ChoiceField(label=_("Date"), choices=())
    starts_at = forms.ChoiceField(label=_("Time of the appointment"), choices=())
    label = forms.CharField(
        label=_("Label"),
        max_length=60,
        required=False,
        help_text=_("A short anonymous label, for example “Reservation 1” – no names."),
    )
    case_reference = forms.CharField(
        label=_("Case number"),
        max_length=30,
        required=False,
        help_text=_("Only to link the appointment to a case you work on, for example F-2026-000123."),
    )

    def __init__(self, *args, dates, times, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [(day.isoformat(), format_when(day, "weekday_date")) for day in dates]
        self.fields["starts_at"].choices = [
            (start.strftime("%H:%M"), f"{start:%H:%M}–{end:%H:%M}") for start, end in times
        ]
        self.dates = {day.isoformat(): day for day in dates}
        self.times = {start.strftime("%H:%M"): start for start, _end in times}

    def chosen(self) -> tuple:
        return self.dates[self.cleaned_data["date"]], self.times[self.cleaned_data["starts_at"]]


class ContactForm(forms.Form):
    date = forms.DateField(label=_("Date of the contact"), widget=DATE_INPUT, error_messages=_DATE_ERRORS)
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("Please choose"))] + Topic.choices,
        error_messages={"required": _("Please choose the topic.")},
    )
    district = forms.ModelChoiceField(
        label=_("District of residence"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not stated or elsewhere"),
    )
    first_contact = forms.TypedChoiceField(
        label=_("First contact or repeat"),
        choices=[("1", _("First contact")), ("0", _("Repeat contact"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether this was the first contact.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what came of the contact.")},
    )
    application_kind = forms.ChoiceField(
        label=_("Application"),
        choices=[("", _("–"))] + ApplicationKind.choices,
        required=False,
        help_text=_("Only when an application was started."),
    )
    offer = forms.ModelChoiceField(
        label=_("Help offer referred to"),
        queryset=Offer.objects.none(),
        required=False,
        empty_label=_("–"),
        help_text=_("Only for a referral."),
    )
    case_reference = forms.CharField(
        label=_("Case number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty for an anonymous contact. Only to link the contact to a case you work on."),
    )

    def __init__(self, *args, districts, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["offer"].queryset = offers

    def contact_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("case_reference", None)
        return data


class UptakeForm(forms.Form):
    """Whose report and which months (input type=month sends "2026-03")."""

    traeger = forms.ModelChoiceField(label=_("Agency"), queryset=None, empty_label=None, required=False)
    von = forms.RegexField(
        label=_("From month"),
        regex=r"^[0-9]{4}-[0-9]{2}$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Please enter a month like 2026-03.")},
    )
    bis = forms.RegexField(
        label=_("Until month"),
        regex=r"^[0-9]{4}-[0-9]{2}$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Please enter a month like 2026-03.")},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["traeger"].queryset = agencies

    def _month(self, name: str):
        value = self.cleaned_data.get(name)
        if not value:
            return None
        year, month = int(value[:4]), int(value[5:])
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError(_("Please enter a month like 2026-03."))
        return date(year, month, 1)

    def clean_von(self):
        return self._month("von")

    def clean_bis(self):
        return self._month("bis")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("von"), cleaned.get("bis")
        if first and last and last < first:
            self.add_error("bis", _("The last month must not lie before the first."))
        return cleaned
