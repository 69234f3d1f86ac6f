"""The filter form of the case list. It only reads and checks the filters; the list applies
them on the permission rows (cases.listing)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import District
from notlagen import widgets

from .listing import CaseListFilters
from .models import Case


def _choices(objects) -> list:
    """A select's choices from a list read once. (A ModelChoiceField walks its queryset with a
    server-side cursor on every render: three extra round trips per field on PostgreSQL.)"""
    return [("", _("All")), *((obj.pk, str(obj)) for obj in objects)]


class CaseListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Case.Status.choices], widget=widgets.Select
    )
    district = forms.TypedChoiceField(
        label=_("District"), required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    assigned = forms.TypedChoiceField(
        label=_("Assigned worker"), required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    updated_since = forms.DateField(
        label=_("Changed since"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _choices(District.objects.all())
        self.fields["assigned"].choices = _choices(workers)

    def clean_updated_since(self):
        value = self.cleaned_data.get("updated_since")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date lies in the future."))
        return value

    def list_filters(self) -> CaseListFilters:
        data = self.cleaned_data
        return CaseListFilters(
            status=data.get("status") or "",
            district_id=data.get("district"),
            assigned_id=data.get("assigned"),
            updated_since=data.get("updated_since"),
        )
