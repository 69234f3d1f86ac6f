"""Persons, notes, payments and grants as the API hands them out. A partner with the finance
scope reads what help was given and its state, not the payee's bank details (they serve the
desk's own transfer and nobody else's purpose)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import ContactChannel
from cases.scopes import NoteCategory

from .serializers import AgencyRefSerializer, StrictSerializer


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    alias = serializers.CharField()
    pseudonymous = serializers.BooleanField(source="is_pseudonymous")
    birth_date = serializers.DateField(allow_null=True)
    owner_agency = AgencyRefSerializer()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=NoteCategory.choices)
    text = serializers.CharField()
    contact_channel = serializers.CharField(allow_blank=True)
    occurred_on = serializers.DateField(allow_null=True)
    author_agency = AgencyRefSerializer()
    created_at = serializers.DateTimeField()


class NoteCreateSerializer(StrictSerializer):
    category = serializers.ChoiceField(choices=NoteCategory.choices)
    text = serializers.CharField(max_length=20000, trim_whitespace=True)
    contact_channel = serializers.ChoiceField(choices=ContactChannel.choices, required=False, default="")
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    purpose = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=str(_("EUR")))
    status = serializers.CharField()
    fund = serializers.CharField(source="fund.name")
    budget_year = serializers.IntegerField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)


class HeldGrantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_reference = serializers.CharField(source="case.reference")
    owner_agency = AgencyRefSerializer(source="case.owner_agency")
    scope = serializers.CharField()
    purpose = serializers.CharField()
    basis = serializers.SerializerMethodField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()

    def get_basis(self, grant) -> str:
        return "consent" if grant.consent_id else "statute" if grant.statute_id else "other"


class AccessRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    purpose = serializers.CharField()
    status = serializers.CharField()
    owner_agency = AgencyRefSerializer(source="case.owner_agency")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
