"""Exchange of the help-offer directory with other systems in Open Referral HSDS 3.0
(https://docs.openreferral.org/en/latest/hsds/schema_reference.html), as JSON and as the
tabular format (a ZIP of CSV files with a datapackage.json).

What is written (and read back):
- Provider -> `organization` {id = provider.uid, name, description, email, website, phones}.
- Offer -> `service` {id = offer.uid, organization_id, name, description, url, email, status
  ("active" / "inactive"), eligibility_description, last_modified}, with
  - `phones` [{number}] (the offer's telephone), `contacts` [{name}] (its contact person),
  - `languages` [{code, name}] (ISO 639-1 codes of referrals.vocabulary.Language),
  - `service_areas` [{name, extent_type "text", extent}] for the districts served; the name is
    "<municipality> – <district>" (with an en dash), e.g. "Hannover – Linden-Nord",
  - `attributes` [{link_type, link_entity "service", taxonomy_term {code, name, taxonomy}}]
    with taxonomy "notlagen_category" (exactly one: the offer's category) and
    "notlagen_target_group" (its target groups),
  - `cost_options`: free of charge is one option with amount 0 (currency EUR); an offer that is
    not free has one option without an amount ("costs may apply"),
  - `service_at_locations` [{id, location {id = location.uid, location_type "physical", name,
    addresses [{address_1, postal_code, city, country "DE", address_type "physical"}],
    accessibility [{description}]}, schedules [{freq "WEEKLY", byday "MO", opens_at "09:00",
    closes_at "12:00"}]}], one schedule per opening (Schedule row).

What HSDS lacks travels in an extension object named `x_notlagen` (HSDS 3 permits additional
properties, see "Extending HSDS"):
- service.x_notlagen = {anonymous_possible: bool, capacity: "available" | "waiting_list" |
  "full", waiting_days: int | null}
- organization.x_notlagen = {agency: short name of the provider's agency in Notlagen | null}
  (informative only: an import never links a provider to an agency)
- location.x_notlagen = {district: "<municipality> – <district>" | null,
  wheelchair_accessible: bool}
In the tabular format these are the columns `x_notlagen_<field>` of services.csv,
organizations.csv and locations.csv. Ids of records Notlagen has no row for (addresses,
schedules, attributes, taxonomy terms, service_at_location) are uuid5 of the record they belong
to, so two exports of the same directory are identical.

An import (JSON list of services, or the ZIP) matches providers, offers and locations by id
(update) or creates them; districts by name within the known municipalities. Everything is
validated first; one bad row and nothing is written (the errors name file and line). Offers the
file does not contain stay as they are; for an offer it does contain the file is complete
(its languages, target groups, districts, locations and opening hours are replaced). An
extension field that is absent leaves the stored value (or the default) in place. Only weekly
opening hours with weekdays and explicit times are understood; other rules are a row error."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from access.decide import require
from access.rules import Action

from ..models import Offer
from . import apply, assemble, serialize, tabular, upload, validate


@dataclass
class ImportResult:
    errors: list[str]
    providers_created: int = 0
    providers_updated: int = 0
    offers_created: int = 0
    offers_updated: int = 0
    offers_untouched: int = 0
    locations: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def export_json(*, actor) -> bytes:
    """The whole directory as a JSON list of HSDS services (UTF-8)."""
    require(actor, Action.DIRECTORY_EXCHANGE)
    services = [serialize.service(offer) for offer in serialize.offers_for_export()]
    return json.dumps(services, ensure_ascii=False, indent=2).encode("utf-8")


def export_zip(*, actor) -> bytes:
    """The whole directory in the HSDS tabular format: a ZIP of CSV files and datapackage.json."""
    require(actor, Action.DIRECTORY_EXCHANGE)
    services = [serialize.service(offer) for offer in serialize.offers_for_export()]
    return tabular.to_zip(services)


def import_file(*, actor, name: str, content: bytes) -> ImportResult:
    """Import an HSDS file (JSON or ZIP of CSVs). All or nothing: with any error nothing is written."""
    require(actor, Action.DIRECTORY_EXCHANGE)
    try:
        services, errors = _services_of(name, content)
    except upload.Refused as refused:
        return ImportResult(errors=[refused.message])
    if not services and not errors:
        return ImportResult(errors=[_("The file contains no help offers.")])
    with transaction.atomic():
        plan, invalid = validate.plan_import(services)
        if errors or invalid:
            return ImportResult(errors=errors + invalid)
        counts = apply.apply_plan(plan, actor=actor)
        untouched = Offer.objects.exclude(uid__in=[offer.uid for offer in plan.offers]).count()
    return ImportResult(errors=[], offers_untouched=untouched, **counts)


def _services_of(name: str, content: bytes) -> tuple[list[dict], list[str]]:
    """The service objects of the file and the errors found while reading it."""
    kind, data = upload.read(name, content)
    if kind == "zip":
        return assemble.assemble(data)
    return validate.from_json(data, name=upload.display_name(name))
