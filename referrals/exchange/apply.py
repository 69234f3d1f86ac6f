"""Writing a validated import plan, inside the caller's transaction. Rows are matched by uid:
existing ones are updated (offers get a new version, so an editor's open form sees the change),
new ones created. An imported provider is never linked to an agency: a provider that exists
keeps its link, a new one is external. For each offer in the file its languages, target groups,
districts, locations and opening hours are replaced; offers not in the file are left alone."""

from __future__ import annotations

from django.utils import timezone

from ..models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup, Provider, Schedule
from .plan import OfferPlan, Plan


def _providers(plan: Plan) -> tuple[dict, int, int]:
    # Offers may name a stored provider by organization_id alone: fetched, not changed.
    named = set(plan.providers) | {item.provider_uid for item in plan.offers}
    existing = Provider.objects.select_for_update().in_bulk(list(named), field_name="uid")
    new = [Provider(uid=uid, **item.fields) for uid, item in plan.providers.items() if uid not in existing]
    changed = [provider for uid, provider in existing.items() if uid in plan.providers]
    for provider in changed:
        for name, value in plan.providers[provider.uid].fields.items():
            setattr(provider, name, value)
    if changed:
        fields = sorted({name for item in plan.providers.values() for name in item.fields})
        Provider.objects.bulk_update(changed, fields)
    Provider.objects.bulk_create(new)
    by_uid = {**existing, **{provider.uid: provider for provider in new}}
    return by_uid, len(new), len(changed)


def _offers(plan: Plan, providers: dict, actor) -> tuple[dict, int, int]:
    existing = Offer.objects.select_for_update().in_bulk([item.uid for item in plan.offers], field_name="uid")
    now = timezone.now()
    new = []
    for item in plan.offers:
        offer = existing.get(item.uid)
        if offer is None:
            new.append(Offer(uid=item.uid, provider=providers[item.provider_uid], updated_by=actor, **item.fields))
            continue
        for name, value in item.fields.items():
            setattr(offer, name, value)
        offer.provider = providers[item.provider_uid]
        offer.version += 1
        offer.updated_by, offer.updated_at = actor, now
    if existing:
        fields = {name for item in plan.offers for name in item.fields}
        fields |= {"provider", "version", "updated_by", "updated_at"}
        Offer.objects.bulk_update(list(existing.values()), sorted(fields))
    Offer.objects.bulk_create(new)
    by_uid = {**existing, **{offer.uid: offer for offer in new}}
    return by_uid, len(new), len(existing)


def _replace_vocabulary(plan: Plan, offers: dict) -> None:
    ids = [offer.pk for offer in offers.values()]
    OfferLanguage.objects.filter(offer_id__in=ids).delete()
    OfferTargetGroup.objects.filter(offer_id__in=ids).delete()
    through = Offer.districts.through
    through.objects.filter(offer_id__in=ids).delete()
    OfferLanguage.objects.bulk_create(
        OfferLanguage(offer=offers[item.uid], code=code) for item in plan.offers for code in item.languages
    )
    OfferTargetGroup.objects.bulk_create(
        OfferTargetGroup(offer=offers[item.uid], code=code) for item in plan.offers for code in item.target_groups
    )
    through.objects.bulk_create(
        through(offer_id=offers[item.uid].pk, district_id=pk) for item in plan.offers for pk in item.district_ids
    )


def _locations(items: list[OfferPlan], offers: dict) -> int:
    offer_ids = [offer.pk for offer in offers.values()]
    wanted = {location.uid for item in items for location in item.locations}
    OfferLocation.objects.filter(offer_id__in=offer_ids).exclude(uid__in=wanted).delete()
    existing = OfferLocation.objects.select_for_update().in_bulk(list(wanted), field_name="uid")
    new, changed_fields = [], set()
    for item in items:
        for location in item.locations:
            row = existing.get(location.uid)
            if row is None:
                new.append(OfferLocation(uid=location.uid, offer=offers[item.uid], **location.fields))
                continue
            for name, value in location.fields.items():
                setattr(row, name, value)
            changed_fields |= set(location.fields)
    if existing and changed_fields:
        OfferLocation.objects.bulk_update(list(existing.values()), sorted(changed_fields))
    OfferLocation.objects.bulk_create(new)
    rows = {**existing, **{row.uid: row for row in new}}
    Schedule.objects.filter(location_id__in=[row.pk for row in rows.values()]).delete()
    Schedule.objects.bulk_create(
        Schedule(location=rows[location.uid], weekday=day, opens_at=opens, closes_at=closes)
        for item in items
        for location in item.locations
        for day, opens, closes in location.schedules
    )
    return len(rows)


def apply_plan(plan: Plan, *, actor) -> dict[str, int]:
    providers, providers_created, providers_updated = _providers(plan)
    offers, offers_created, offers_updated = _offers(plan, providers, actor)
    _replace_vocabulary(plan, offers)
    locations = _locations(plan.offers, offers)
    return {
        "providers_created": providers_created,
        "providers_updated": providers_updated,
        "offers_created": offers_created,
        "offers_updated": offers_updated,
        "locations": locations,
    }
