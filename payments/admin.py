"""Funds and their yearly budgets are reference data: administrators set them up in the admin.
Payments, exports and the journal are not registered: the admin is no side door to them.
What a budget has committed and paid moves only through the payment services."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from schwifty import BIC
from schwifty.exceptions import SchwiftyException

from . import ledger, money
from .models import Budget, Fund, Kind


class FundForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("kinds of help"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Fund
        fields = [
            "agency",
            "name",
            "budget_line",
            "per_payment_limit",
            "kinds",
            "active",
            "cash_desk",
            "debtor_name",
            "debtor_iban",
            "debtor_bic",
        ]

    def clean_debtor_iban(self):
        return money.checked_iban(self.cleaned_data["debtor_iban"]).compact

    def clean_debtor_bic(self):
        bic = (self.cleaned_data.get("debtor_bic") or "").strip().upper()
        if bic:
            try:
                BIC(bic)
            except SchwiftyException as error:
                raise forms.ValidationError(_("This BIC is not valid.")) from error
        return bic


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    form = FundForm
    list_display = ["name", "agency", "budget_line", "per_payment_limit", "active"]
    list_filter = ["active", "agency"]
    search_fields = ["name", "budget_line"]

    def get_readonly_fields(self, request, obj=None):
        # A fund stays with its agency: its payments, budgets and exports belong there.
        return ["agency"] if obj else []

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        paying = [f for f in ("debtor_name", "debtor_iban", "debtor_bic") if f in form.changed_data]
        if change and paying:
            changes = "; ".join(f"{f}: {form.initial.get(f)} -> {form.cleaned_data.get(f)}" for f in paying)
            ledger.record_fund_change(actor=request.user, fund=obj, note=changes)

    def has_delete_permission(self, request, obj=None):
        return False  # its payments and journal refer to it; close it instead


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["fund", "year", "allocated"]

    def clean_allocated(self):
        allocated = self.cleaned_data["allocated"]
        if allocated is not None and allocated < 0:
            raise forms.ValidationError(_("The budget cannot be negative."))
        bound = self.instance.committed + self.instance.paid if self.instance.pk else 0
        if allocated is not None and allocated < bound:
            raise forms.ValidationError(
                _("Already committed or paid: %(bound)s. The budget cannot be lower.") % {"bound": money.euros(bound)}
            )
        return allocated


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    form = BudgetForm
    list_display = ["fund", "year", "allocated", "committed", "paid"]
    list_filter = ["year", "fund__agency"]
    readonly_fields = ["committed", "paid"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "fund", "year"] if obj else self.readonly_fields

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = Budget.objects.select_for_update().get(pk=obj.pk).allocated if change else None
        if change:
            # Only the allocation changes here, and only if it still covers what approvals
            # committed since the form was shown (the check constraint would refuse it anyway).
            changed = Budget.objects.filter(pk=obj.pk, committed__lte=obj.allocated - F("paid")).update(
                allocated=obj.allocated
            )
            obj.refresh_from_db()
            if not changed:
                self.message_user(
                    request,
                    _("Not saved: payments were approved meanwhile; the budget cannot be lower than %(bound)s.")
                    % {"bound": money.euros(obj.committed + obj.paid)},
                    level=messages.ERROR,
                )
                return
        else:
            obj.save()
        ledger.record_allocation(actor=request.user, budget=obj, before=before)

    def has_delete_permission(self, request, obj=None):
        return False
