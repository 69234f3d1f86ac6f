"""Forms shared by capabilities that assign work to an agency and one of its members."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT

from .models import Agency


def member_label(user) -> str:
    return user.get_full_name() or user.username


class AgreedActionForm(forms.Form):
    """An agreed action of a meeting (a case conference, a network meeting): which agency, which
    of its members, what, by when. The service decides what is allowed; `mandatory` only marks
    the fields in the form."""

    mandatory = ("agency", "assignee", "text")

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    assignee = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False)
    text = forms.CharField(label=_("What"), max_length=200, required=False)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, agencies, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["assignee"].queryset = members
        self.fields["assignee"].label_from_instance = member_label
        for name in self.mandatory:
            self.fields[name].mandatory = True


class OwnAgencyForm(forms.Form):
    """A form that makes something for one of the person's agencies: the agency is asked only
    when there are several to choose from (`agencies`: those the access layer allows)."""

    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)

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

    def chosen_agency(self) -> Agency:
        data = self.cleaned_data
        return self.agencies[data["agency"]] if "agency" in data else next(iter(self.agencies.values()))
