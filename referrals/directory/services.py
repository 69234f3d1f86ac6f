"""Writes of the help-offer directory: an offer with its languages, target groups, districts,
locations and opening hours is saved whole, in one transaction, or not at all.

Each service asks the access layer itself (access.directory.require_offer_edit): a provider's
own editors change its offers, the city's directory administrators every offer. Offers carry
no personal data of clients, so no access-log entry is written; `updated_by` records who."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.directory import require_offer_edit
from agencies.models import District

from ..models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup, Schedule
from ..schedules import check_openings
from ..vocabulary import Capacity, Category, Language, TargetGroup

OFFER_FIELDS = (
    "name",
    "description",
    "category",
    "eligibility",
    "free_of_charge",
    "anonymous_possible",
    "capacity",
    "waiting_days",
    "contact_name",
    "phone",
    "email",
    "url",
)
LOCATION_FIELDS = ("name", "street", "postal_code", "city", "accessibility", "wheelchair_accessible")
_POSTAL_CODE = re.compile(r"^\d{5}$")


class OfferChangedError(Exception):
    """The offer changed since the form was loaded; carries the current state."""

    def __init__(self, current: Offer):
        super().__init__("The offer was changed by someone else.")
        self.current = current


@transaction.atomic
def offer_save(*, actor, offer: Offer | None = None, version: int | None = None, data: dict, locations) -> Offer:
    """Create (offer=None) or change an offer. `data`: the offer's fields plus `provider`,
    `languages`, `target_groups` (codes) and `districts` (ids or District rows); `locations`:
    dicts of LOCATION_FIELDS, `district` (id or None), `openings` ([(weekday, opens, closes)])
    and `id` (an existing location of this offer to keep, else a new one)."""
    provider = data["provider"]
    require_offer_edit(actor, provider)
    if offer is not None:
        require_offer_edit(actor, offer.provider)  # moving an offer needs both providers
    locations = list(locations)
    _check(data, locations)
    fields = {name: _clean(data.get(name), name) for name in OFFER_FIELDS}
    if offer is None:
        offer = Offer.objects.create(provider=provider, updated_by=actor, **fields)
    else:
        changed = Offer.objects.filter(pk=offer.pk, version=version).update(
            provider=provider, updated_by=actor, updated_at=timezone.now(), version=F("version") + 1, **fields
        )
        if not changed:
            raise OfferChangedError(Offer.objects.select_related("provider").get(pk=offer.pk))
        offer = Offer.objects.get(pk=offer.pk)
    offer.districts.set([_id(d) for d in data.get("districts") or []])
    _replace_codes(offer, OfferLanguage, data.get("languages") or [])
    _replace_codes(offer, OfferTargetGroup, data.get("target_groups") or [])
    _save_locations(offer, locations)
    return offer


@transaction.atomic
def offer_deactivate(*, actor, offer: Offer, version: int | None = None) -> Offer:
    """Take an offer out of the directory (referrals to it stay as they are)."""
    require_offer_edit(actor, offer.provider)
    if not offer.is_active:
        raise ValidationError(_("The offer is already inactive."))
    query = Offer.objects.filter(pk=offer.pk)
    if version is not None:
        query = query.filter(version=version)
    if not query.update(is_active=False, updated_by=actor, updated_at=timezone.now(), version=F("version") + 1):
        raise OfferChangedError(Offer.objects.select_related("provider").get(pk=offer.pk))
    return Offer.objects.get(pk=offer.pk)


AVAILABILITY_FIELDS = ("capacity", "waiting_days", "eligibility", "contact_name", "phone", "email", "url")


@transaction.atomic
def offer_availability_update(*, actor, offer: Offer, version: int | None, **changes) -> Offer:
    """Change what a provider's system keeps current — capacity, waiting time, who can come and
    the contact — leaving the rest of the offer as it is. Checked like offer_save."""
    require_offer_edit(actor, offer.provider)
    unknown = set(changes) - set(AVAILABILITY_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    current = {name: getattr(offer, name) for name in OFFER_FIELDS}
    # The offer's own rules on its fields (districts, languages and locations stay untouched).
    _check({**current, **changes}, [])
    fields = {name: _clean(changes[name], name) for name in changes}
    query = Offer.objects.filter(pk=offer.pk)
    if version is not None:
        query = query.filter(version=version)
    if not query.update(updated_by=actor, updated_at=timezone.now(), version=F("version") + 1, **fields):
        raise OfferChangedError(Offer.objects.select_related("provider").get(pk=offer.pk))
    return Offer.objects.get(pk=offer.pk)


def _clean(value, name: str):
    if name in ("free_of_charge", "anonymous_possible"):
        return bool(value)
    if name == "waiting_days":
        return value
    if name == "capacity":
        return value or Capacity.AVAILABLE
    return (value or "").strip()


def _id(value):
    return getattr(value, "pk", value)


def _check(data: dict, locations: list[dict]) -> None:
    """The offer's own rules, whatever channel calls (the forms check the same for the user)."""
    errors: dict[str, list[str]] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = [_("Please give the offer a name.")]
    if data.get("category") not in Category.values:
        errors["category"] = [_("Please choose a category.")]
    if _clean(data.get("capacity"), "capacity") not in Capacity.values:
        errors["capacity"] = [_("Please choose the capacity.")]
    waiting = data.get("waiting_days")
    if waiting is not None and not 0 <= waiting <= 365:
        errors["waiting_days"] = [_("Please enter at most 365 days.")]
    if set(data.get("languages") or []) - set(Language.values):
        errors["languages"] = [_("Please choose languages from the list.")]
    if set(data.get("target_groups") or []) - set(TargetGroup.values):
        errors["target_groups"] = [_("Please choose target groups from the list.")]
    wanted = {_id(d) for d in data.get("districts") or []} | {
        _id(location["district"]) for location in locations if location.get("district") is not None
    }
    known = set(District.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    if {_id(d) for d in data.get("districts") or []} - known:
        errors["districts"] = [_("Please choose districts from the list.")]
    problems = [message for number, loc in enumerate(locations, 1) for message in _location_errors(number, loc, known)]
    if problems:
        errors["locations"] = problems
    if errors:
        raise ValidationError(errors)


def _location_errors(number: int, location: dict, known_districts: set) -> list[str]:
    where = {"number": number}
    problems = []
    if not (location.get("street") or "").strip() or not (location.get("city") or "").strip():
        problems.append(_("Location %(number)s: please enter the street and the city.") % where)
    if not _POSTAL_CODE.match((location.get("postal_code") or "").strip()):
        problems.append(_("Location %(number)s: please enter the five-digit postal code.") % where)
    district = location.get("district")
    if district is not None and _id(district) not in known_districts:
        problems.append(_("Location %(number)s: please choose a district from the list.") % where)
    try:
        check_openings(location.get("openings") or [])
    except ValidationError as error:
        problems.extend(_("Location %(number)s: %(problem)s") % {**where, "problem": m} for m in error.messages)
    return problems


def _replace_codes(offer: Offer, model, codes: Iterable[str]) -> None:
    model.objects.filter(offer=offer).delete()
    model.objects.bulk_create([model(offer=offer, code=code) for code in dict.fromkeys(codes)])


def _save_locations(offer: Offer, locations: list[dict]) -> None:
    """Update the locations named by id, create the new ones, remove those not listed; their
    opening hours are written anew. Kept locations keep their uid (the exchange's identity)."""
    existing = {location.pk: location for location in offer.locations.all()}
    kept: list[tuple[OfferLocation, list]] = []
    for data in locations:
        location = existing.pop(data.get("id"), None) or OfferLocation(offer=offer)
        for name in LOCATION_FIELDS:
            value = data.get(name)
            setattr(location, name, bool(value) if name == "wheelchair_accessible" else (value or "").strip())
        location.district_id = _id(data.get("district"))
        location.save()
        kept.append((location, data.get("openings") or []))
    OfferLocation.objects.filter(pk__in=list(existing)).delete()
    Schedule.objects.filter(location__offer=offer).delete()
    Schedule.objects.bulk_create(
        [
            Schedule(location=location, weekday=day, opens_at=opens, closes_at=closes)
            for location, openings in kept
            for day, opens, closes in openings
        ]
    )
