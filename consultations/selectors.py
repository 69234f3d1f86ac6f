"""Reads of consultation hours. Hours, exceptions and bookings name no client (a booking shows
only its anonymous label and whether a case is linked), so no read here is reported to the
access log; the uptake report (consultations.uptake) reads counts only."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from agencies.models import Agency, District, Location, Membership
from agencies.roles import roles_with
from referrals.models import Offer

from .models import ConsultationBooking, ConsultationException, ConsultationHour

STAFF_PERMISSION = "consultations.view_consultationhour"


def _current(queryset: QuerySet) -> QuerySet:
    today = timezone.localdate()
    return queryset.filter(is_active=True, agency__is_active=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def public_hours(*, municipality: str = "", district_id: int | None = None) -> QuerySet[ConsultationHour]:
    """The hours the public sees: active, not over, of active agencies; with what a listing
    shows loaded in a fixed number of queries."""
    hours = _current(ConsultationHour.objects.all())
    if municipality:
        hours = hours.filter(location__district__municipality=municipality)
    if district_id is not None:
        hours = hours.filter(location__district_id=district_id)
    return (
        hours.select_related("agency", "location__district")
        .prefetch_related(Prefetch("exceptions", queryset=ConsultationException.objects.order_by("date")))
        .order_by("location__district__municipality", "location__district__name", "location__name", "start_time")
    )


def municipalities_with_hours() -> list[str]:
    names = (
        _current(ConsultationHour.objects.all())
        .exclude(location__district__isnull=True)
        .values_list("location__district__municipality", flat=True)
        .distinct()
    )
    return sorted(set(names))


def district_by_id(district_id: int) -> District | None:
    return District.objects.filter(pk=district_id).first()


def poster_location(location_id: int) -> Location | None:
    """A location with current hours (a Stadtteilbüro's poster), else None."""
    if not _current(ConsultationHour.objects.filter(location_id=location_id)).exists():
        return None
    return Location.objects.select_related("agency", "district").filter(pk=location_id).first()


def hours_at(location: Location) -> QuerySet[ConsultationHour]:
    return public_hours().filter(location=location)


def hours_of(agencies: Iterable[Agency]) -> QuerySet[ConsultationHour]:
    """The hours of some agencies, for their staff (inactive ones too)."""
    return (
        ConsultationHour.objects.filter(agency__in=list(agencies))
        .select_related("agency", "location__district")
        .prefetch_related("exceptions")
        .order_by("-is_active", "agency__name", "title", "pk")
    )


def hour_for_staff(hour_id: int) -> ConsultationHour | None:
    return (
        ConsultationHour.objects.select_related("agency", "location__district")
        .prefetch_related("exceptions", "staff")
        .filter(pk=hour_id)
        .first()
    )


def locations_for(agencies: Iterable[Agency]) -> QuerySet[Location]:
    """Where an agency may hold hours: its own locations and those of the agencies below it
    (MainArbeit's Stadtteilbüros are agencies of their own under MainArbeit)."""
    ids = [agency.pk for agency in agencies]
    return (
        Location.objects.filter(Q(agency_id__in=ids) | Q(agency__parent_id__in=ids))
        .select_related("agency", "district")
        .order_by("name", "pk")
    )


def colleagues_for(agencies: Iterable[Agency]):
    """Who may be named as staff of an agency's hours: active members of it, or of the
    agencies below it, whose role lets them see consultation hours."""
    ids = [agency.pk for agency in agencies]
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__agency_id__in=ids) | Q(memberships__agency__parent_id__in=ids),
            memberships__role__in=roles_with(STAFF_PERMISSION),
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def bookings_between(hour: ConsultationHour, first, last) -> list[ConsultationBooking]:
    return list(hour.bookings.filter(date__gte=first, date__lte=last).order_by("date", "starts_at"))


def contact_choices(hour: ConsultationHour) -> dict:
    """What a contact in this hour can name: the districts of its municipality (of residence) and
    the listed help offers there (referred to)."""
    municipality = hour.location.district.municipality if hour.location.district else None
    districts = District.objects.all()
    offers = Offer.objects.listed()
    if municipality:
        districts = districts.filter(municipality=municipality)
        offers = offers.serving(municipality)
    return {"districts": districts.order_by("name"), "offers": offers.distinct().order_by("name")}
