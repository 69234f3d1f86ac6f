"""Search of the access log (django-filter). Validates dates and ranges with German messages."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .models import AccessLogEntry


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessLogFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("since"), data.get("until")
        if start and end and start > end:
            self.add_error("until", _("The end of the period lies before its start."))
        return data


class AccessLogFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        label=_("Person"),
        method="filter_person",
        max_length=100,
        help_text=_("Name, alias, date of birth (DD.MM.YYYY), person number or case number"),
    )
    case = django_filters.CharFilter(label=_("Case (number or case reference)"), method="filter_case")
    actor = django_filters.CharFilter(label=_("Actor (user name)"), field_name="actor_name", lookup_expr="exact")
    agency = django_filters.ModelChoiceFilter(label=_("Agency"), queryset=Agency.objects.all(), empty_label=_("All"))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccessLogEntry.Action.choices, empty_label=_("All"))
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=AccessLogEntry.Channel.choices, empty_label=_("All")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=AccessLogEntry.Outcome.choices, empty_label=_("All")
    )
    since = django_filters.DateFilter(label=_("From"), method="filter_since", widget=DATE_INPUT)
    until = django_filters.DateFilter(label=_("Until"), method="filter_until", widget=DATE_INPUT)

    class Meta:
        model = AccessLogEntry
        fields = ["person", "case", "actor", "agency", "action", "channel", "outcome", "since", "until"]
        form = AccessLogFilterForm

    # Bounds on the timestamp itself (not its date), so the time index applies.
    def filter_since(self, queryset, name, value):
        return queryset.filter(time__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(time__lt=_start_of(value + timedelta(days=1)))

    def filter_person(self, queryset, name, value):
        from .selectors import persons_matching

        ids = [p.pk for p in persons_matching(value)]
        return queryset.filter(person_ids__has=ids) if ids else queryset.none()

    def filter_case(self, queryset, name, value):
        from cases.models import Case

        value = value.strip()
        case_id = (
            int(value) if value.isdigit() else Case.objects.filter(reference=value).values_list("pk", flat=True).first()
        )
        if case_id is None:
            return queryset.none()
        return queryset.filter(case_ids__has=case_id)
