"""The directory as HSDS 3.0 `service` objects (the mapping is described in exchange.hsds)."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch

from ..models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup, Provider, Schedule
from ..vocabulary import Category, Language, TargetGroup

# Ids of records Notlagen keeps no row for are derived from their owner's uid (stable exports).
NAMESPACE = uuid.UUID("5b0c6f2e-8d1a-4c1e-9a57-3f0d2b9e7a41")
EXTENSION = "x_notlagen"
CATEGORY_TAXONOMY = "notlagen_category"
TARGET_GROUP_TAXONOMY = "notlagen_target_group"
AREA_SEPARATOR = " – "
CURRENCY = "EUR"


def derived_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def district_label(district) -> str | None:
    """ "Hannover – Linden-Nord": how a district travels (service area name, location extension)."""
    if district is None:
        return None
    return f"{district.municipality}{AREA_SEPARATOR}{district.name}"


def offers_for_export():
    locations = OfferLocation.objects.select_related("district").prefetch_related(
        Prefetch("schedules", queryset=Schedule.objects.order_by("pk"))
    )
    return (
        Offer.objects.select_related("provider__agency")
        .prefetch_related(
            Prefetch("language_rows", queryset=OfferLanguage.objects.order_by("pk")),
            Prefetch("target_group_rows", queryset=OfferTargetGroup.objects.order_by("pk")),
            "districts",
            Prefetch("locations", queryset=locations.order_by("pk")),
        )
        .order_by("provider__name", "name", "pk")
    )


def organization(provider: Provider) -> dict:
    agency = provider.agency
    return {
        "id": str(provider.uid),
        "name": provider.name,
        "description": provider.description,
        "email": provider.email or None,
        "website": provider.website or None,
        "phones": [{"id": derived_id("phone", provider.uid), "number": provider.phone}] if provider.phone else [],
        EXTENSION: {"agency": (agency.short_name or agency.name) if agency else None},
    }


def service(offer: Offer) -> dict:
    uid = str(offer.uid)
    return {
        "id": uid,
        "organization_id": str(offer.provider.uid),
        "name": offer.name,
        "description": offer.description,
        "url": offer.url or None,
        "email": offer.email or None,
        "status": "active" if offer.is_active else "inactive",
        "eligibility_description": offer.eligibility,
        "last_modified": offer.updated_at.isoformat() if offer.updated_at else None,
        "organization": organization(offer.provider),
        "phones": [{"id": derived_id("phone", uid), "number": offer.phone}] if offer.phone else [],
        "contacts": [{"id": derived_id("contact", uid), "name": offer.contact_name}] if offer.contact_name else [],
        "languages": [_language(uid, row.code) for row in offer.language_rows.all()],
        "service_areas": [_area(uid, district) for district in offer.districts.all()],
        "attributes": _attributes(offer),
        "cost_options": [_cost_option(uid, offer.free_of_charge)],
        "service_at_locations": [_service_at_location(uid, location) for location in offer.locations.all()],
        EXTENSION: {
            "anonymous_possible": offer.anonymous_possible,
            "capacity": offer.capacity,
            "waiting_days": offer.waiting_days,
        },
    }


def _language(service_id: str, code: str) -> dict:
    label = dict(Language.choices).get(code, code)
    return {"id": derived_id("language", service_id, code), "code": code, "name": str(label)}


def _area(service_id: str, district) -> dict:
    label = district_label(district)
    return {
        "id": derived_id("area", service_id, district.pk),
        "name": label,
        "extent_type": "text",
        "extent": label,
    }


def taxonomy_term(taxonomy: str, code: str) -> dict:
    choices = Category if taxonomy == CATEGORY_TAXONOMY else TargetGroup
    label = str(dict(choices.choices).get(code, code))
    return {
        "id": derived_id("term", taxonomy, code),
        "code": code,
        "name": label,
        "description": label,
        "taxonomy": taxonomy,
        "taxonomy_id": derived_id("taxonomy", taxonomy),
    }


def _attribute(service_id: str, taxonomy: str, code: str) -> dict:
    term = taxonomy_term(taxonomy, code)
    return {
        "id": derived_id("attribute", service_id, term["id"]),
        "link_id": service_id,
        "link_type": taxonomy.removeprefix("notlagen_"),
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _attributes(offer: Offer) -> list[dict]:
    uid = str(offer.uid)
    attributes = [_attribute(uid, CATEGORY_TAXONOMY, offer.category)]
    attributes += [_attribute(uid, TARGET_GROUP_TAXONOMY, row.code) for row in offer.target_group_rows.all()]
    return attributes


def _cost_option(service_id: str, free: bool) -> dict:
    return {
        "id": derived_id("cost", service_id),
        "option": "free of charge" if free else "costs may apply",
        "currency": CURRENCY,
        "amount": 0 if free else None,
        "amount_description": None if free else "costs may apply",
    }


def _service_at_location(service_id: str, location: OfferLocation) -> dict:
    uid = str(location.uid)
    return {
        "id": derived_id("service_at_location", uid),
        "service_id": service_id,
        "location_id": uid,
        "location": _location(location),
        "schedules": [_schedule(service_id, uid, schedule) for schedule in location.schedules.all()],
    }


def _location(location: OfferLocation) -> dict:
    uid = str(location.uid)
    address = {
        "id": derived_id("address", uid),
        "location_id": uid,
        "address_1": location.street,
        "city": location.city,
        "state_province": "",
        "postal_code": location.postal_code,
        "country": "DE",
        "address_type": "physical",
    }
    accessibility = {"id": derived_id("accessibility", uid), "location_id": uid, "description": location.accessibility}
    return {
        "id": uid,
        "location_type": "physical",
        "name": location.name,
        "addresses": [address],
        "accessibility": [accessibility] if location.accessibility else [],
        EXTENSION: {
            "district": district_label(location.district),
            "wheelchair_accessible": location.wheelchair_accessible,
        },
    }


def _schedule(service_id: str, location_id: str, schedule: Schedule) -> dict:
    return {
        "id": derived_id("schedule", location_id, schedule.weekday, f"{schedule.opens_at:%H:%M}"),
        "service_id": service_id,
        "location_id": location_id,
        "service_at_location_id": derived_id("service_at_location", location_id),
        "freq": "WEEKLY",
        "byday": schedule.weekday,
        "opens_at": f"{schedule.opens_at:%H:%M}",
        "closes_at": f"{schedule.closes_at:%H:%M}",
    }
