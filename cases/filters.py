"""Filters of the case list (django-filter). They narrow an already scoped queryset."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agencies.models import District

from .models import Case


class CaseFilterForm(forms.Form):
    def clean_updated_since(self):
        value = self.cleaned_data.get("updated_since")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date lies in the future."))
        return value


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Case.Status.choices, empty_label=_("All"))
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), empty_label=_("All")
    )
    assigned = django_filters.ModelChoiceFilter(
        label=_("Assigned worker"), field_name="assigned_workers", queryset=User.objects.none(), empty_label=_("All")
    )
    updated_since = django_filters.DateFilter(
        label=_("Changed since"),
        field_name="updated_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Case
        fields = ["status", "district", "assigned", "updated_since"]
        form = CaseFilterForm

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workers is not None:
            self.filters["assigned"].queryset = workers
