"""Forms of financial help. They parse input (German amounts, dates); the rules are the services'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT

from . import money
from .models import ClaimState, Export, Kind, Method, Purpose


class EuroField(forms.CharField):
    """An amount as a German desk types it: "1.234,50", "1234,50", "80" (also "12.50")."""

    MAX_TYPED = 20

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "class": "shell-amount", "maxlength": str(self.MAX_TYPED)}
        )

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.MAX_TYPED:
            raise ValidationError(_("Please enter an amount in euros, e.g. 1.234,50."))
        return money.parse_euros(text)

    def prepare_value(self, value):
        return money.euros(value).removesuffix(" €") if hasattr(value, "quantize") else value


PAYEE_CHOICES = [("person", _("The person")), ("third", _("A third party (e.g. landlord, energy supplier)"))]


class PaymentRequestForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of help"), choices=Kind.choices, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    amount = EuroField(label=_("Amount in euros"), help_text=_("For example 1.234,50"))
    justification = forms.CharField(label=_("Justification"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    payee = forms.ChoiceField(label=_("Paid to"), choices=PAYEE_CHOICES, initial="person", widget=forms.RadioSelect)
    payee_name = forms.CharField(
        label=_("Name of the third party"),
        max_length=70,
        required=False,
        help_text=_("Only when paid to a third party"),
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, widget=forms.RadioSelect)
    account_holder = forms.CharField(
        label=_("Account holder"), max_length=70, required=False, help_text=_("For a transfer; else the payee")
    )
    iban = forms.CharField(
        label=_("IBAN"), max_length=42, required=False, help_text=_("For a transfer; the BIC is derived")
    )
    remittance = forms.CharField(
        label=_("Remittance information"),
        max_length=140,
        required=False,
        help_text=_("For example the landlord's reference; umlauts are transliterated for the bank"),
    )
    instalment = EuroField(label=_("Monthly instalment in euros"), required=False, help_text=_("Loans only"))
    first_instalment_on = forms.DateField(
        label=_("First instalment due"), required=False, widget=DATE_INPUT, help_text=_("Loans only")
    )
    benefit_agency = forms.CharField(
        label=_("Benefit agency to claim from"),
        max_length=120,
        required=False,
        help_text=_("Advances only, e.g. Jobcenter Region Hannover"),
    )
    benefit_reference = forms.CharField(
        label=_("Their case reference"), max_length=60, required=False, help_text=_("Advances only")
    )

    GROUPS = [
        (_("What is needed"), ["fund", "kind", "purpose", "amount", "justification"]),
        (_("To whom and how"), ["payee", "payee_name", "method", "account_holder", "iban", "remittance"]),
        (_("Loans only: repayment plan"), ["instalment", "first_instalment_on"]),
        (_("Advances only: whom to claim it back from"), ["benefit_agency", "benefit_reference"]),
    ]

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds

    def groups(self):
        """The fields in the fieldsets the form is shown in."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["payee_is_person"] = data.pop("payee") == "person"
        data.pop("version", None)
        return data

    @classmethod
    def initial_from(cls, payment) -> dict:
        names = [n for n in cls.base_fields if n not in ("payee", "version")]
        initial = {name: getattr(payment, name) for name in names if hasattr(payment, name)}
        initial.update(payee="person" if payment.payee_is_person else "third", version=payment.version)
        if payment.payee_is_person:
            initial["payee_name"] = ""  # the person's name is filled in again on saving
        initial["fund"] = payment.fund_id
        return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class BookPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    bank_reference = forms.CharField(label=_("Bank or cash-desk reference"), max_length=60, required=False)


class RepaymentForm(forms.Form):
    amount = EuroField(label=_("Instalment received (euros)"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)


class ClaimForm(forms.Form):
    claim_state = forms.ChoiceField(label=_("Reimbursement claim"), choices=ClaimState.choices)


class ExportForm(forms.Form):
    fund = forms.IntegerField(widget=forms.HiddenInput)
    format = forms.ChoiceField(choices=Export.Format.choices, widget=forms.HiddenInput)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 2000 <= year <= 2100:
            raise ValidationError(_("Please give a year."))
        return year
