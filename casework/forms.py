"""Forms of the first conversation and the workspace. They parse input; rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.forms import DATE_INPUT, DATETIME_INPUT, ConsentForm, PersonCaseForm
from cases.models import ContactChannel
from cases.scopes import NoteCategory

from .life_areas import AREAS, ContactRestriction, LifeArea, Need
from .models import GoalStep, Urgency


def _category_choices(categories) -> list[tuple[str, str]]:
    labels = dict(NoteCategory.choices)
    return [(c, labels[c]) for c in categories]


class IntakeStartForm(PersonCaseForm):
    contact_channel = forms.ChoiceField(
        label=_("Way of contact"), choices=ContactChannel.choices, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    field_order = [
        "alias",
        "given_name",
        "family_name",
        "birth_date",
        "title",
        "district",
        "contact_channel",
        "urgency",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["summary"]  # asked in the first step, in the person's words


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, alias or date of birth"),
        max_length=100,
        required=False,
        help_text=_("For example: Meyer, „Sonne“ or 03.04.1990."),
    )


class IntakeExistingPersonForm(forms.Form):
    person_id = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Reason for contact"), max_length=200)
    contact_channel = forms.ChoiceField(
        label=_("Way of contact"), choices=ContactChannel.choices, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )


class ReasonStepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Reason for contact"), max_length=200)
    summary = forms.CharField(
        label=_("What happened, in the person's words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Visible to agencies the case is shared with for collaboration, never with the basic scope. Keep "
            "details of health, violence or residence for the life areas, which only authorised staff see. "
            "**bold**, *italic*, lists with - at the start of a line."
        ),
    )
    contact_channel = forms.ChoiceField(
        label=_("Way of contact"), choices=ContactChannel.choices, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect)


class HouseholdStepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    adults = forms.IntegerField(label=_("Adults in the household"), min_value=0, max_value=20, initial=1)
    children_ages = forms.CharField(
        label=_("Ages of the children"),
        max_length=100,
        required=False,
        help_text=_("Separated by commas, e.g. 3, 7. Leave empty if there are no children."),
    )
    household_note = forms.CharField(label=_("Note on the household"), max_length=300, required=False)


class AreaForm(forms.Form):
    """Status and need of one life area (prefix = the area's code)."""

    need = forms.ChoiceField(label=_("Need"), choices=Need.choices, widget=forms.RadioSelect)
    situation = forms.ChoiceField(required=False)
    flag = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, spec, **kwargs):
        super().__init__(*args, prefix=spec.area, **kwargs)
        self.spec = spec
        self.fields["situation"].label = spec.situation_label
        self.fields["situation"].choices = [("", "—"), *spec.situations]
        self.fields["situation"].help_text = spec.help_text
        if spec.flag_label:
            self.fields["flag"].label = spec.flag_label
        else:
            del self.fields["flag"]
        if spec.note_help:
            self.fields["note"].help_text = spec.note_help


class RestrictionsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    contact_restrictions = forms.MultipleChoiceField(
        label=_("How the person may be contacted"),
        choices=ContactRestriction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every agency that sees the case sees these restrictions, not the reason for them."),
    )


class VersionOnlyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def area_forms(data, areas, initial_for) -> list[AreaForm]:
    return [AreaForm(data, spec=spec, initial=initial_for(spec.area)) for spec in areas]


class IntakeConsentForm(ConsentForm):
    scan = forms.FileField(
        label=_("Signed consent (scan or photo)"),
        required=False,
        help_text=_("PDF, JPEG, PNG or TIFF. You can also upload it later under Documents."),
    )

    def __init__(self, *args, owner_agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).exclude(pk=owner_agency.pk)
        for name in ("agencies", "scopes"):
            self.fields[name].mandatory = True  # checked by the consent service with a German message


class FinishStepForm(forms.Form):
    immediate_help = forms.CharField(
        label=_("Immediate help given"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: voucher for the emergency shelter, contact to the women's shelter."),
    )
    next_steps = forms.CharField(label=_("Agreed next steps"), widget=forms.Textarea(attrs={"rows": 4}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    assignee = forms.ModelChoiceField(label=_("Responsible"), queryset=None)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, categories, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(categories)
        self.fields["assignee"].queryset = workers


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200)
    with_whom = forms.CharField(label=_("With"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(categories)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or TIFF."))

    def __init__(self, *args, categories, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(categories)
        self.fields["file"].help_text = _("PDF, JPEG, PNG or TIFF, at most %(mb)d MB.") % {"mb": max_mb}


class GoalForm(forms.Form):
    area = forms.ChoiceField(label=_("Life area"))
    title = forms.CharField(label=_("Goal"), max_length=200)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(LifeArea.choices)
        self.fields["area"].choices = [(s.area, labels[s.area]) for s in AREAS if s.category in categories]


class GoalStepForm(forms.Form):
    text = forms.CharField(label=_("Agreed step"), max_length=300)
    responsible = forms.ChoiceField(label=_("Who"), choices=GoalStep.Responsible.choices)
    due_on = forms.DateField(label=_("By"), required=False, widget=DATE_INPUT)


class HandoverForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_user = forms.ModelChoiceField(label=_("Hand over to"), queryset=None)
    note = forms.CharField(
        label=_("Handover note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is open, what is urgent, what was agreed with the person."),
    )
    stay_assigned = forms.BooleanField(label=_("Stay assigned as well"), required=False)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = colleagues
