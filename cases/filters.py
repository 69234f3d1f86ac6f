"""The filter form of the case list. It only reads and checks the filters; the list applies
them on the permission rows (cases.listing)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agencies.models import District

from .listing import CaseListFilters
from .models import Case


class CaseListFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Case.Status.choices])
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.all(), empty_label=_("All")
    )
    assigned = forms.ModelChoiceField(
        label=_("Assigned worker"), required=False, queryset=User.objects.none(), empty_label=_("All")
    )
    updated_since = forms.DateField(
        label=_("Changed since"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workers is not None:
            self.fields["assigned"].queryset = workers

    def clean_updated_since(self):
        value = self.cleaned_data.get("updated_since")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date lies in the future."))
        return value

    def list_filters(self) -> CaseListFilters:
        data = self.cleaned_data
        return CaseListFilters(
            status=data.get("status") or "",
            district_id=data["district"].pk if data.get("district") else None,
            assigned_id=data["assigned"].pk if data.get("assigned") else None,
            updated_since=data.get("updated_since"),
        )
