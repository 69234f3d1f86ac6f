"""Validating the locations of an offer in an import (HSDS service_at_location with its
location, address, accessibility and schedules)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import OfferLocation
from ..schedules import check_openings
from . import values
from .assemble import ORIGIN
from .plan import Context, LocationPlan, check_model
from .serialize import EXTENSION

GERMANY = {"", "DE", "DEU", "DEUTSCHLAND", "GERMANY"}


def _address(location: dict, report) -> dict | None:
    for address in values.objects(location, "addresses", report):
        if values.text(address, "address_type").lower() in ("", "physical"):
            return address
    report(_("The location has no address."))
    return None


def _fields(location: dict, address: dict, ctx: Context, report) -> dict:
    here = ctx.reporter(address, location.get(ORIGIN, ""))
    country = values.text(address, "country").upper()
    if country not in GERMANY:
        here(_("Only addresses in Germany can be imported, not “%(value)s”.") % {"value": country})
    street = ", ".join(filter(None, [values.text(address, "address_1"), values.text(address, "address_2")]))
    accessibility = [values.text(item, "description") for item in values.objects(location, "accessibility", report)]
    fields = {
        "name": values.text(location, "name"),
        "street": street,
        "postal_code": values.postal_code(values.text(address, "postal_code"), here),
        "city": values.text(address, "city"),
        "accessibility": "; ".join(filter(None, accessibility)),
    }
    check_model(OfferLocation(**fields), ["offer", "district", "postal_code"], here)
    extension = location.get(EXTENSION) if isinstance(location.get(EXTENSION), dict) else {}
    if "district" in extension:
        label = extension["district"]
        fields["district_id"] = ctx.district(str(label), report) if label not in (None, "") else None
    if "wheelchair_accessible" in extension:
        wheelchair = values.boolean(extension["wheelchair_accessible"], "wheelchair_accessible", report)
        if wheelchair is not None:
            fields["wheelchair_accessible"] = wheelchair
    return fields


def _schedules(sal: dict, location: dict, ctx: Context) -> list[tuple]:
    rows = []
    for owner in (sal, location):
        for raw in values.objects(owner, "schedules", ctx.reporter(owner)):
            rows += values.weekly_hours(raw, ctx.reporter(raw, owner.get(ORIGIN, "")))
    rows = list(dict.fromkeys(rows))
    try:
        check_openings(rows)  # the same rule as typed opening hours: no two of a day overlap
    except ValidationError as error:
        ctx.reporter(location, sal.get(ORIGIN, ""))(" ".join(error.messages))
    return rows


def _location_plan(sal: dict, ctx: Context, offer_uid: uuid.UUID | None) -> LocationPlan | None:
    report = ctx.reporter(sal)
    location = sal.get("location")
    if not isinstance(location, dict):
        report(_("The location is missing."))
        return None
    report = ctx.reporter(location, sal.get(ORIGIN, ""))
    uid = ctx.uid(location, report)
    if uid is not None:
        owner = ctx.location_owner.get(uid)
        if owner is not None and owner != offer_uid:
            report(_("The location %(id)s belongs to another offer.") % {"id": uid})
        if uid in ctx.locations:
            report(_("The location %(id)s appears more than once.") % {"id": uid})
        ctx.locations.add(uid)
    if values.text(location, "location_type").lower() not in ("", "physical"):
        report(_("Only locations with a street address can be imported."))
        return None
    address = _address(location, report)
    if address is None:
        return None
    fields = _fields(location, address, ctx, report)
    schedules = _schedules(sal, location, ctx)
    return LocationPlan(uid=uid, fields=fields, schedules=schedules) if uid is not None else None


def location_plans(entry: dict, ctx: Context, offer_uid: uuid.UUID | None, report) -> list[LocationPlan]:
    if values.objects(entry, "schedules", report):
        report(_("Opening hours belong to a location of the offer (service_at_location), not to the offer."))
    plans = []
    for sal in values.objects(entry, "service_at_locations", report):
        plan = _location_plan(sal, ctx, offer_uid)
        if plan is not None:
            plans.append(plan)
    return plans
