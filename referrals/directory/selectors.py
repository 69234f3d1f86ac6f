"""Reads of the help-offer directory. Offers carry no personal data of clients: every member of
staff reads them (Action.DIRECTORY_VIEW), and reading them writes no access-log entry."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from access.directory import offer_edit_right
from access.errors import NotFound, as_int
from agencies.models import District

from ..models import Offer, OfferLocation
from ..schedules import format_hours, is_open_at
from ..vocabulary import Language, TargetGroup, labels


def listed_offers() -> QuerySet[Offer]:
    """Active offers of active providers, with everything a list shows in a fixed number of
    queries (provider joined; languages, target groups, districts, locations with their district
    and schedules prefetched), whatever the number of offers."""
    return Offer.objects.listed().select_related("provider").prefetch_related(*_OFFER_PREFETCHES).order_by("name", "pk")


_OFFER_PREFETCHES = (
    "language_rows",
    "target_group_rows",
    Prefetch("districts", queryset=District.objects.order_by("municipality", "name")),
    Prefetch(
        "locations",
        queryset=OfferLocation.objects.select_related("district").prefetch_related("schedules").order_by("pk"),
    ),
)


def offer_for_page(*, offer_id: int) -> Offer | None:
    """One offer (active or not) with everything its page shows, or None."""
    offer = Offer.objects.select_related("provider").prefetch_related(*_OFFER_PREFETCHES).filter(pk=offer_id).first()
    if offer is not None:
        describe([offer])
    return offer


def offer_get_for(*, user, offer_id) -> tuple[Offer, bool]:
    """An offer for `user` and whether they may edit it. An offer out of the directory (itself or
    its provider inactive) is found only by those who may edit it; for everyone else it does not
    exist (NotFound, like a missing one)."""
    offer = offer_for_page(offer_id=as_int(offer_id, object_type="offer"))
    can_edit = offer is not None and offer_edit_right(user, offer.provider) is not None
    if offer is None or not (can_edit or (offer.is_active and offer.provider.is_active)):
        raise NotFound("offer", offer_id)
    return offer, can_edit


def describe(offers: Iterable[Offer], moment=None) -> list[Offer]:
    """Attach what templates show and cannot compute themselves: language and target-group
    labels, the opening hours as text per location, and whether a location is open now. Uses
    only the prefetched rows (no query)."""
    offers = list(offers)
    for offer in offers:
        offer.language_labels = labels(Language, sorted(offer.language_codes, key=_language_order))
        offer.target_group_labels = labels(TargetGroup, sorted(offer.target_group_codes, key=_group_order))
        offer.is_open_now = False
        for location in offer.locations.all():
            schedules = list(location.schedules.all())
            location.hours_text = format_hours(schedules)
            location.is_open_now = is_open_at(schedules, moment)
            offer.is_open_now = offer.is_open_now or location.is_open_now
        # The districts it serves, or else those its locations are in.
        served = list(offer.districts.all())
        located = [location.district for location in offer.locations.all() if location.district_id is not None]
        offer.served_text = districts_text(served)
        offer.district_text = offer.served_text or districts_text(located)
    return offers


def districts_text(districts) -> str:
    """Districts by municipality: "Hannover: Linden-Nord, Mitte; Offenbach am Main: Nordend"."""
    names: dict[str, list[str]] = {}
    for district in sorted(set(districts), key=lambda d: (d.municipality, d.name)):
        names.setdefault(district.municipality, []).append(district.name)
    return "; ".join(f"{municipality}: {', '.join(found)}" for municipality, found in names.items())


def _language_order(code: str) -> int:
    return Language.values.index(code) if code in Language.values else len(Language.values)


def _group_order(code: str) -> int:
    return TargetGroup.values.index(code) if code in TargetGroup.values else len(TargetGroup.values)


def district_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """The districts by municipality, for grouped choices: [(municipality, [(pk, name), ...])]."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, municipality, name in District.objects.order_by("municipality", "name").values_list(
        "pk", "municipality", "name"
    ):
        groups.setdefault(municipality, []).append((pk, name))
    return list(groups.items())
