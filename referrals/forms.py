"""Forms of referrals. They parse input; what may be sent is decided by referrals.services,
whose errors land at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT, LegalBasisChoiceMixin
from cases.scopes import scope_choices

from .models import DECLINE_REASONS, Outcome, Urgency


class ReferralForm(LegalBasisChoiceMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The offer chosen in the directory travels with the form (the view loads it).
    offer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        required=False,
        help_text=_("What the provider is asked to do, e.g. counselling and safety planning."),
    )
    scope = forms.ChoiceField(label=_("What is shared on acceptance"), choices=scope_choices, widget=forms.RadioSelect)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=(), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    respond_by = forms.DateField(label=_("Answer by"), widget=DATE_INPUT, required=False)
    message = forms.CharField(
        label=_("Message to the provider"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What they need to decide: language, availability, what has happened so far. Keep it short."),
    )

    def __init__(self, *args, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_legal_bases(consents)
        for name in ("purpose", "scope", "legal_basis", "respond_by"):
            self.fields[name].mandatory = True  # checked by the service, which names what is missing

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "purpose": data.get("purpose") or "",
            "scope": data.get("scope"),
            "urgency": data.get("urgency"),
            "respond_by": data.get("respond_by"),
            "message": data.get("message") or "",
            **self.basis(),
        }


class StepForm(forms.Form):
    """A step without further input (send); carries the version the user saw, so an answer given
    on a page that has changed meanwhile is detected. Each form's fields are exactly its
    service's arguments."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if version is None:
            raise forms.ValidationError(_("This page is out of date. Please reload it and try again."))
        return version

    def clean(self):
        cleaned = super().clean()
        # The version is a hidden field: say at the top what is wrong with it.
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version"))
        return cleaned


class AcceptForm(StepForm):
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class _WithReason(StepForm):
    """The reason is checked by the service (which names what is missing); shown as required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = "outcome" if "outcome" in self.fields else "note"
        self.fields[first].mandatory = True


class DeclineForm(_WithReason):
    outcome = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *[(o.value, o.label) for o in DECLINE_REASONS]], required=False
    )
    note = forms.CharField(label=_("Explanation"), max_length=300, required=False)


class FirstContactForm(StepForm):
    on = forms.DateField(label=_("First contact on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].mandatory = True


class CompleteForm(_WithReason):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False)
    note = forms.CharField(label=_("Explanation"), max_length=300, required=False)


class WithdrawForm(_WithReason):
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class StateFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("offen", _("Open")), ("neu", _("New, unanswered")), ("beendet", _("Ended")), ("alle", _("All"))],
    )
