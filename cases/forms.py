"""Forms of the case pages. They parse and validate input; the rules live in the services."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, District
from notlagen.dates import format_when

from .demographics import Gender
from .grants import BREAK_GLASS_SITUATIONS
from .models import Consent, ConsentText, ContactChannel, Statute
from .scopes import NoteCategory, scope_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Notes and the summary are markdown-lite (notlagen.text): shown rendered, never as typed.
MARKDOWN_HINT = _("**bold**, *italic*, lists with - at the start of a line.")


def summary_field(rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=MARKDOWN_HINT,
    )


class PersonCaseForm(forms.Form):
    """New case with a new person (named or pseudonymous), after the duplicate check."""

    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    alias = forms.CharField(
        label=_("Alias"),
        max_length=100,
        required=False,
        help_text=_("For anonymous counselling: a name the person chooses. The real name can be added later."),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Not recorded")), *Gender.choices],
        required=False,
        help_text=_("As the person states it. Only the anonymous statistics for the committee use it."),
    )
    title = forms.CharField(label=_("Reason for contact"), max_length=200)
    summary = summary_field()
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    duplicates_checked = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("family_name") and not data.get("alias"):
            self.add_error("family_name", _("Please enter a family name, or an alias for anonymous counselling."))
        return data


class CaseForExistingPersonForm(forms.Form):
    person_id = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Reason for contact"), max_length=200)
    summary = summary_field()
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)


class CaseEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Reason for contact"), max_length=200)
    summary = summary_field(rows=6)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    assigned_workers = forms.ModelMultipleChoiceField(
        label=_("Assigned workers"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_workers"].queryset = workers


class CaseCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for closing"), max_length=300)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=NoteCategory.choices)
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text=MARKDOWN_HINT,
    )
    contact_channel = forms.ChoiceField(
        label=_("Records a contact"),
        choices=[("", _("No, a note only")), *ContactChannel.choices],
        required=False,
    )
    occurred_on = forms.DateField(label=_("Date of the contact"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(NoteCategory.choices)
        self.fields["category"].choices = [(c, labels[c]) for c in categories]


class LegalBasisChoiceMixin:
    """A "legal_basis" choice of the person's usable consents and the statutes in use."""

    def _offer_legal_bases(self, consents) -> None:
        self.consents = {f"consent:{c.pk}": c for c in consents}
        self.statutes = {f"statute:{s.pk}": s for s in Statute.objects.filter(is_active=True)}
        consent_choices = [
            (key, _("Consent of %(date)s (%(text)s)") % {"date": format_when(c.given_at), "text": c.text})
            for key, c in self.consents.items()
        ]
        statute_choices = [(key, str(s)) for key, s in self.statutes.items()]
        self.fields["legal_basis"].choices = [("", "—"), *consent_choices, *statute_choices]

    def basis(self) -> dict:
        key = self.cleaned_data.get("legal_basis") or ""
        return {"consent": self.consents.get(key), "statute": self.statutes.get(key)}


class GrantForm(LegalBasisChoiceMixin, forms.Form):
    # Purpose and legal basis are checked by grants.grant_create, which names what is missing.
    grantee_agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.filter(is_active=True))
    scope = forms.ChoiceField(label=_("Scope"), choices=scope_choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=(), required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT)

    def __init__(self, *args, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_legal_bases(consents)
        for name in ("purpose", "legal_basis"):
            self.fields[name].mandatory = True  # not optional; validated by grants.grant_create
        self.fields["valid_until"].help_text = _("At most %(days)d days from today.") % {
            "days": settings.ACCESS_GRANT_MAX_DAYS
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ConsentForm(forms.Form):
    text = forms.ModelChoiceField(label=_("Consent text"), queryset=ConsentText.objects.filter(is_active=True))
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies that may receive data"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scopes = forms.MultipleChoiceField(
        label=_("What may be shared"), choices=scope_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # The purpose travels onto every grant resting on the consent (a column of 300 characters).
    purpose = forms.CharField(label=_("Purpose"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    given_how = forms.ChoiceField(label=_("Consent given"), choices=Consent.GivenHow.choices, widget=forms.RadioSelect)
    witness = forms.CharField(label=_("Witness (for oral consent)"), max_length=200, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT)


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AccessRequestForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), choices=scope_choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(LegalBasisChoiceMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis (when approving)"), choices=(), required=False)
    valid_until = forms.DateField(label=_("Valid until (when approving)"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("Note (required when refusing)"), max_length=300, required=False)

    def __init__(self, *args, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_legal_bases(consents)


class BreakGlassForm(forms.Form):
    situation = forms.ChoiceField(label=_("Situation"), choices=BREAK_GLASS_SITUATIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the emergency. The owning agency and the auditors will read this."),
    )


def default_grant_end():
    return timezone.localdate() + timedelta(days=90)


class RevealNameForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
