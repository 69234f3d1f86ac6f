"""Funds and their yearly budgets are reference data: administrators set them up in the admin.
Payments, exports and the journal are not registered: the admin is no side door to them.
What a budget has committed and paid moves only through the payment services."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

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


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    form = FundForm
    list_display = ["name", "agency", "budget_line", "per_payment_limit", "active"]
    list_filter = ["active", "agency"]
    search_fields = ["name", "budget_line"]

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
