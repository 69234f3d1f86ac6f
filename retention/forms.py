"""Forms of the retention pages. They parse input only; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_HELP = _("Why the case must be kept, e.g. a pending lawsuit or an inspection. At most 300 characters.")


class RuleForm(forms.Form):
    years = forms.IntegerField(label=_("Years"), min_value=0, max_value=100)
    months = forms.IntegerField(label=_("Months"), min_value=0, max_value=11)
    legal_basis = forms.CharField(label=_("Rule it rests on"), max_length=300)
    confirm = forms.BooleanField(
        label=_("I confirm this period: the daily job may anonymise this kind of record when it is due."),
        required=False,
    )


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=300, help_text=REASON_HELP)


class LiftForm(forms.Form):
    lift_reason = forms.CharField(label=_("Reason for lifting the legal hold"), max_length=300)


class HoldByNumberForm(forms.Form):
    reference = forms.CharField(label=_("Case number"), max_length=30)
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=300, help_text=REASON_HELP)


class HoldLiftByNumberForm(forms.Form):
    """The officer lifts a hold by the case's number (a hold the officer set is theirs to lift)."""

    lift_reference = forms.CharField(label=_("Case number"), max_length=30)
    lift_reason = forms.CharField(label=_("Why the hold ends"), max_length=300)
