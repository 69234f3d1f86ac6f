"""The report form: whose figures (an agency or the city) and which period (a quarter, a year or
a free range of days). Errors are said at the field, in plain words; the input is kept."""

from __future__ import annotations

import calendar
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PeriodKind
from .periods import LONGEST_RANGE_DAYS, Period, last_complete_quarter, quarter, year

FIRST_YEAR = 2000


class ReportForm(forms.Form):
    bereich = forms.ChoiceField(label=_("Figures of"))
    zeitraum = forms.ChoiceField(
        label=_("Period"), choices=PeriodKind.choices, widget=forms.RadioSelect, initial=PeriodKind.QUARTER
    )
    jahr = forms.IntegerField(
        label=_("Year"),
        required=False,
        help_text=_("For a quarter or a year."),
        error_messages={"invalid": _("Please enter a year like 2026.")},
    )
    quartal = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "–"), (1, _("1st quarter")), (2, _("2nd quarter")), (3, _("3rd quarter")), (4, _("4th quarter"))],
    )
    von = forms.DateField(
        label=_("First day"),
        required=False,
        help_text=_("For a free period: whole months, from the first day of a month to the last day of a month."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date like 2026-07-01.")},
    )
    bis = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date like 2026-09-30.")},
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {scope.value: scope for scope in scopes}
        self.fields["bereich"].choices = [(scope.value, _scope_label(scope)) for scope in scopes]

    def _year(self, cleaned) -> int | None:
        number = cleaned.get("jahr")
        if number is None:
            self.add_error("jahr", _("Please enter the year."))
            return None
        if not FIRST_YEAR <= number <= timezone.localdate().year:
            self.add_error("jahr", _("Please enter a year between 2000 and this year."))
            return None
        return number

    def _range(self, cleaned) -> Period | None:
        first, last = cleaned.get("von"), cleaned.get("bis")
        if first is None and "von" not in self.errors:
            self.add_error("von", _("Please enter the first day of the period."))
        if last is None and "bis" not in self.errors:
            self.add_error("bis", _("Please enter the last day of the period."))
        if first is None or last is None:
            return None
        if last < first:
            self.add_error("bis", _("The last day must not be before the first day."))
        elif first.day != 1:
            # Whole months only: two reports a day apart could be subtracted down to one day's
            # small counts; a month is the finest grain the reports publish anyway.
            self.add_error("von", _("A free period begins on the first day of a month."))
        elif last.day != calendar.monthrange(last.year, last.month)[1]:
            self.add_error("bis", _("A free period ends on the last day of a month."))
        elif first < date(FIRST_YEAR, 1, 1) or first > timezone.localdate():
            self.add_error("von", _("The period must begin between 2000 and today."))
        elif (last - first).days + 1 > LONGEST_RANGE_DAYS:
            self.add_error("bis", _("A report covers at most five years."))
        else:
            return Period(PeriodKind.RANGE, first, last)
        return None

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("zeitraum")
        if kind == PeriodKind.RANGE:
            cleaned["period"] = self._range(cleaned)
        elif kind in (PeriodKind.QUARTER, PeriodKind.YEAR):
            number = self._year(cleaned)
            if kind == PeriodKind.QUARTER and cleaned.get("quartal") is None:
                self.add_error("quartal", _("Please choose the quarter."))
            elif number is not None:
                period = year(number) if kind == PeriodKind.YEAR else quarter(number, cleaned["quartal"])
                if period.first > timezone.localdate():
                    # A quarter yet to come has no figures; its empty report would stay cached.
                    self.add_error("quartal", _("The period must begin between 2000 and today."))
                else:
                    cleaned["period"] = period
        cleaned["scope"] = self.scopes.get(cleaned.get("bereich"))
        return cleaned


def _scope_label(scope) -> str:
    return str(_("The whole city (all agencies)")) if scope.is_city else scope.agency.name


def initial_values(scopes) -> dict:
    """The last complete quarter, for the first agency the person may report on."""
    period = last_complete_quarter()
    return {
        "bereich": scopes[0].value if scopes else "",
        "zeitraum": PeriodKind.QUARTER,
        "jahr": period.first.year,
        "quartal": (period.first.month - 1) // 3 + 1,
    }
