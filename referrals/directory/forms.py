"""Forms of the help-offer directory: an offer and its locations. They parse input (the
opening hours text among it); who may save what is the service's question (services.offer_save)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..schedules import format_hours, parse_hours
from ..vocabulary import Capacity, Category, Language, TargetGroup
from .selectors import district_groups
from .services import OFFER_FIELDS

MAX_LOCATIONS = 20
HOURS_HELP = _("For example: Mo–Fr 09:00–12:00; Di, Do 14:00–18:00. Leave empty if there are no fixed hours.")


def _flat(groups) -> list[tuple[int, str]]:
    return [choice for _municipality, choices in groups for choice in choices]


_MAX_ID = 2**31 - 1


class OfferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=_MAX_ID)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None, empty_label=None)
    name = forms.CharField(
        label=_("Name of the offer"),
        max_length=200,
        error_messages={"required": _("Please give the offer a name.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Please choose"))] + Category.choices,
        error_messages={"required": _("Please choose a category.")},
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    eligibility = forms.CharField(
        label=_("Who can come"), max_length=300, required=False, help_text=_("For example: women from 18 years")
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of counselling"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    districts = forms.TypedMultipleChoiceField(
        label=_("Districts served"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    anonymous_possible = forms.BooleanField(label=_("Anonymous counselling possible"), required=False)
    capacity = forms.ChoiceField(label=_("Capacity"), choices=Capacity.choices)
    waiting_days = forms.IntegerField(
        label=_("Waiting time in days"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("Roughly, until a first appointment"),
        error_messages={
            "invalid": _("Please enter the waiting time as a whole number of days."),
            "min_value": _("The waiting time cannot be negative."),
            "max_value": _("Please enter at most 365 days."),
        },
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    email = forms.EmailField(
        label=_("Mail address"), required=False, error_messages={"invalid": _("Please enter a valid mail address.")}
    )
    url = forms.URLField(
        label=_("Web page"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Please enter a web address, e.g. https://www.example.org.")},
    )

    GROUPS = [
        (_("The offer"), ["provider", "name", "category", "description", "eligibility"]),
        (_("For whom, in which languages"), ["target_groups", "languages"]),
        (_("Conditions"), ["free_of_charge", "anonymous_possible", "capacity", "waiting_days"]),
        (_("Contact"), ["contact_name", "phone", "email", "url"]),
    ]
    CHECKBOXES = ("free_of_charge", "anonymous_possible")

    def __init__(self, *args, providers, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["districts"].choices = _flat(districts)
        self._district_groups = districts

    def groups(self):
        """The fields in the fieldsets the form is shown in."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def district_groups(self):
        """The district checkboxes by municipality: [(municipality, [bound checkbox, ...])]."""
        boxes = iter(self["districts"])
        return [(municipality, [next(boxes) for _choice in choices]) for municipality, choices in self._district_groups]

    def offer_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(offer) -> dict:
        initial = {name: getattr(offer, name) for name in OFFER_FIELDS}
        initial.update(
            version=offer.version,
            provider=offer.provider_id,
            target_groups=offer.target_group_codes,
            languages=offer.language_codes,
            districts=[district.pk for district in offer.districts.all()],
        )
        return initial


class LocationForm(forms.Form):
    """One location of the offer. Its fields are optional as such so an untouched empty form
    is skipped; a location that is filled in needs street, postal code and city (`mandatory`
    marks them in the label)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=_MAX_ID)
    name = forms.CharField(label=_("Name of the location"), max_length=200, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    district = forms.TypedChoiceField(label=_("District"), coerce=int, empty_value=None, required=False)
    accessibility = forms.CharField(
        label=_("Accessibility"),
        max_length=300,
        required=False,
        help_text=_("For example: lift, induction loop, entrance at the back"),
    )
    wheelchair_accessible = forms.BooleanField(label=_("Wheelchair accessible"), required=False)
    hours = forms.CharField(
        label=_("Opening hours"),
        max_length=500,
        required=False,
        help_text=HOURS_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    MANDATORY = ("street", "postal_code", "city")

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("None"))] + [
            (municipality, list(choices)) for municipality, choices in districts
        ]
        for name in self.MANDATORY:
            self.fields[name].mandatory = True
        self.openings = []

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not (len(value) == 5 and value.isdigit()):
            raise ValidationError(_("Please enter the five-digit postal code, e.g. 30159."))
        return value

    def clean_hours(self):
        text = self.cleaned_data["hours"]
        self.openings = parse_hours(text)
        return text

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        messages = {
            "street": _("Please enter the street and house number."),
            "postal_code": _("Please enter the five-digit postal code, e.g. 30159."),
            "city": _("Please enter the city."),
        }
        for name, message in messages.items():
            if name not in self.errors and not (data.get(name) or "").strip():
                self.add_error(name, message)
        return data

    def location_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in ("hours", "DELETE")}
        data["openings"] = self.openings
        return data

    @staticmethod
    def initial_for(location) -> dict:
        return {
            "id": location.pk,
            "name": location.name,
            "street": location.street,
            "postal_code": location.postal_code,
            "city": location.city,
            "district": location.district_id,
            "accessibility": location.accessibility,
            "wheelchair_accessible": location.wheelchair_accessible,
            "hours": format_hours(location.schedules.all()),
        }


class BaseLocationFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this location")

    def locations(self) -> list[dict]:
        """The locations to keep, in order (call after is_valid): an untouched empty form has no
        cleaned data, one marked for removal is left out."""
        return [
            form.location_data() for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


LocationFormSet = forms.formset_factory(
    LocationForm,
    formset=BaseLocationFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_LOCATIONS,
    validate_max=True,
)


def location_formset(data=None, *, offer=None, districts=None):
    districts = districts if districts is not None else district_groups()
    initial = [LocationForm.initial_for(location) for location in offer.locations.all()] if offer else []
    return LocationFormSet(data, initial=initial, prefix="orte", form_kwargs={"districts": districts})
