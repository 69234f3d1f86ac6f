"""Help offers as the API hands them out (no personal data of clients), and the fields a
provider's own system may keep current."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from referrals.vocabulary import Capacity

from .serializers import StrictSerializer


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day at the location (Europe/Berlin), "HH:MM": no zone, so not an RFC 3339 time."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OpeningSerializer(serializers.Serializer):
    weekday = serializers.CharField()
    opens_at = LocalTimeField()
    closes_at = LocalTimeField()


class OfferLocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    street = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    accessibility = serializers.CharField(allow_blank=True)
    wheelchair_accessible = serializers.BooleanField()
    openings = OpeningSerializer(source="schedules.all", many=True)


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uid = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    category = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    provider_agency_id = serializers.IntegerField(source="provider.agency_id", allow_null=True)
    eligibility = serializers.CharField(allow_blank=True)
    free_of_charge = serializers.BooleanField()
    anonymous_possible = serializers.BooleanField()
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    waiting_days = serializers.IntegerField(allow_null=True)
    contact_name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    languages = serializers.ListField(source="language_codes", child=serializers.CharField())
    target_groups = serializers.ListField(source="target_group_codes", child=serializers.CharField())
    districts = serializers.SerializerMethodField()
    locations = OfferLocationSerializer(source="locations.all", many=True)
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    def get_districts(self, offer) -> list[str]:
        return [district.name for district in offer.districts.all()]


class OfferAvailabilitySerializer(StrictSerializer):
    capacity = serializers.ChoiceField(choices=Capacity.choices, required=False)
    waiting_days = serializers.IntegerField(min_value=0, max_value=365, required=False, allow_null=True)
    eligibility = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    url = serializers.URLField(max_length=200, required=False, allow_blank=True)
