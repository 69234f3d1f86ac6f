"""What the API hands out, cut exactly as the web workspace cuts it: the case's reason and
summary only where CASE_TEXT_READ allows (the selector's `shows_text`), a referral's receiver
sees the referral itself and the case number, nothing of the case beyond its grant."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from access.rules import Action
from cases.models import Case
from referrals.models import DECLINE_REASONS, Outcome, Referral


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently ignored)."""

    def to_internal_value(self, data):
        unknown = (
            {name: [_("Unknown field.")] for name in sorted(set(data) - set(self.fields))}
            if isinstance(data, dict)
            else {}
        )
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({**unknown, **error.detail}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    alias = serializers.CharField()
    pseudonymous = serializers.BooleanField(source="is_pseudonymous")


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    person = PersonRefSerializer()
    owner_agency = AgencyRefSerializer()
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    title = serializers.SerializerMethodField(help_text="Only with collaboration (general notes); else null.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_title(self, case) -> str | None:
        return case.title if getattr(case, "shows_text", False) else None


class CaseRowSerializer(CaseSerializer):
    """The list's rows, built directly: the same fields as CaseSerializer (the schema) at a
    fraction of DRF's per-field cost, which dominated a page of 50."""

    def to_representation(self, case):
        person, agency, district = case.person, case.owner_agency, case.district
        return {
            "id": case.pk,
            "reference": case.reference,
            "status": case.status,
            "person": {
                "id": person.pk,
                "given_name": person.given_name,
                "family_name": person.family_name,
                "alias": person.alias,
                "pseudonymous": person.is_pseudonymous,
            },
            "owner_agency": {"id": agency.pk, "name": agency.name},
            "district": district.name if district is not None else None,
            "title": case.title if getattr(case, "shows_text", False) else None,
            "created_at": _iso(case.created_at),
            "updated_at": _iso(case.updated_at),
        }


_DATETIME = serializers.DateTimeField()


def _iso(moment) -> str:
    return _DATETIME.to_representation(moment)


class GrantRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    purpose = serializers.CharField()
    valid_until = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    """Serializes a CaseAccess's case; the context's `access` says what the caller may see."""

    summary = serializers.SerializerMethodField(help_text="Only with collaboration (general notes); else null.")
    closed_at = serializers.DateTimeField(allow_null=True)
    scopes = serializers.SerializerMethodField(help_text="What the caller's agency may read.")
    grants = serializers.SerializerMethodField(help_text="The grants through which a partner sees the case.")
    version = serializers.IntegerField()

    def _shows_text(self) -> bool:
        return self.context["access"].allows(Action.CASE_TEXT_READ)

    def get_title(self, case) -> str | None:
        return case.title if self._shows_text() else None

    def get_summary(self, case) -> str | None:
        return case.summary if self._shows_text() else None

    def get_scopes(self, case) -> list[str]:
        return sorted(self.context["access"].scopes)

    @extend_schema_field(GrantRefSerializer(many=True))
    def get_grants(self, case) -> list:
        return GrantRefSerializer(self.context["access"].explaining_grants, many=True).data


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_reference = serializers.CharField(source="case.reference")
    offer = AgencyRefSerializer(help_text="The help offer (id and name).")
    referring_agency = AgencyRefSerializer()
    receiving_agency = AgencyRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=Referral._meta.get_field("status").choices)
    outcome = serializers.CharField(allow_blank=True)
    purpose = serializers.CharField()
    scope = serializers.CharField()
    urgency = serializers.CharField()
    message = serializers.CharField(allow_blank=True)
    respond_by = serializers.DateField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    first_contact_on = serializers.DateField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()


class PageSerializer(serializers.Serializer):
    next_cursor = serializers.CharField(allow_null=True, help_text="Ask again with this cursor; keep it when empty.")
    has_more = serializers.BooleanField()


class CasePageSerializer(PageSerializer):
    results = CaseSerializer(many=True)


class ReferralPageSerializer(PageSerializer):
    results = ReferralSerializer(many=True)


class AcceptSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class DeclineSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=[(o, Outcome(o).label) for o in DECLINE_REASONS])
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class FirstContactSerializer(StrictSerializer):
    on = serializers.DateField()


class CompleteSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
