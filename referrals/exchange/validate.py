"""Validating an import: the nested HSDS service objects (from JSON, or assembled from the CSV
files) become a plan of what to write, or a list of errors "<file> Zeile <n>: <message>".
Nothing here writes; every lookup the checks need is read once up front (plan.Context)."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from ..models import Offer, Provider
from ..vocabulary import Capacity, Category, Language, TargetGroup
from . import values
from .assemble import ORIGIN
from .locations import location_plans
from .plan import Context, OfferPlan, Plan, ProviderPlan, check_model
from .serialize import CATEGORY_TAXONOMY, EXTENSION, TARGET_GROUP_TAXONOMY
from .upload import Refused

INACTIVE_STATES = {"inactive", "defunct", "temporarily closed"}


def _provider(entry: dict, ctx: Context, report) -> uuid.UUID | None:
    org = entry.get("organization")
    if not isinstance(org, dict):
        try:
            uid = uuid.UUID(values.text(entry, "organization_id"))
        except ValueError:
            uid = None
        if uid is not None and (uid in ctx.known_providers or uid in ctx.providers):
            return uid
        report(_("The organization (provider) is missing."))
        return None
    report = ctx.reporter(org, entry.get(ORIGIN, ""))
    uid = ctx.uid(org, report)
    phones = values.objects(org, "phones", report)
    fields = {
        "name": values.text(org, "name"),
        "description": values.text(org, "description"),
        "website": values.text(org, "website"),
        "email": values.text(org, "email"),
        "phone": values.text(phones[0], "number") if phones else "",
    }
    if uid is None:
        return None
    if uid in ctx.providers:
        if ctx.providers[uid].fields != fields:
            report(_("The organization %(id)s appears with different details.") % {"id": uid})
        return uid
    if not fields["name"]:
        report(_("The name of the organization is missing."))
    check_model(Provider(**fields), ["agency"] + ([] if fields["name"] else ["name"]), report)
    ctx.providers[uid] = ProviderPlan(uid, fields)
    return uid


def _taxonomy(entry: dict, ctx: Context, report) -> tuple[str, list[str]]:
    categories, groups = [], []
    for attribute in values.objects(entry, "attributes", report):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            continue
        # The code's own row (taxonomy_terms.csv in the tabular format) answers for it.
        here = ctx.reporter(term, attribute.get(ORIGIN) or entry.get(ORIGIN, ""))
        taxonomy, code = values.text(term, "taxonomy"), values.text(term, "code")
        if taxonomy == CATEGORY_TAXONOMY:
            if code in Category.values:
                categories.append(code)
            else:
                here(_("Unknown category “%(code)s”.") % {"code": code or "–"})
        elif taxonomy == TARGET_GROUP_TAXONOMY:
            if code in TargetGroup.values:
                groups.append(code)
            else:
                here(_("Unknown target group “%(code)s”.") % {"code": code or "–"})
    categories = list(dict.fromkeys(categories))
    if not categories:
        report(_("The category is missing (an attribute of the taxonomy %(name)s).") % {"name": CATEGORY_TAXONOMY})
    elif len(categories) > 1:
        report(_("An offer has one category, not %(count)d.") % {"count": len(categories)})
    return (categories[0] if categories else ""), list(dict.fromkeys(groups))


def _languages(entry: dict, ctx: Context, report) -> list[str]:
    codes = []
    for language in values.objects(entry, "languages", report):
        code = values.text(language, "code").lower()
        if code in Language.values:
            codes.append(code)
        else:
            here = ctx.reporter(language, entry.get(ORIGIN, ""))
            here(_("Unknown language code “%(code)s”.") % {"code": code or "–"})
    return list(dict.fromkeys(codes))


def _districts(entry: dict, ctx: Context, report) -> list[int]:
    found = []
    for area in values.objects(entry, "service_areas", report):
        pk = ctx.district(values.text(area, "name"), ctx.reporter(area, entry.get(ORIGIN, "")))
        if pk is not None:
            found.append(pk)
    return list(dict.fromkeys(found))


def _extension_fields(entry: dict, report) -> dict:
    extension = entry.get(EXTENSION) if isinstance(entry.get(EXTENSION), dict) else {}
    fields: dict = {}
    if "anonymous_possible" in extension:
        anonymous = values.boolean(extension["anonymous_possible"], "anonymous_possible", report)
        if anonymous is not None:
            fields["anonymous_possible"] = anonymous
    if extension.get("capacity") not in (None, ""):
        if extension["capacity"] in Capacity.values:
            fields["capacity"] = extension["capacity"]
        else:
            report(_("Unknown capacity “%(value)s”.") % {"value": extension["capacity"]})
    if "waiting_days" in extension:
        fields["waiting_days"] = values.whole_days(extension["waiting_days"], report)
    return fields


def _free_of_charge(entry: dict, report) -> bool | None:
    if "cost_options" not in entry:
        return None
    amounts = [values.amount(option.get("amount"), report) for option in values.objects(entry, "cost_options", report)]
    known = [value for value in amounts if value is not None]
    return bool(known) and all(value == 0 for value in known) and len(known) == len(amounts)


def _offer_fields(entry: dict, report) -> dict:
    status = values.text(entry, "status").lower()
    if status and status != "active" and status not in INACTIVE_STATES:
        report(_("Unknown status “%(value)s”.") % {"value": status})
    phones = values.objects(entry, "phones", report)
    contacts = values.objects(entry, "contacts", report)
    fields = {
        "name": values.text(entry, "name"),
        "description": values.text(entry, "description"),
        "eligibility": values.text(entry, "eligibility_description"),
        "url": values.text(entry, "url"),
        "email": values.text(entry, "email"),
        "phone": values.text(phones[0], "number") if phones else "",
        "contact_name": values.text(contacts[0], "name") if contacts else "",
        "is_active": status not in INACTIVE_STATES,
    }
    free = _free_of_charge(entry, report)
    if free is not None:
        fields["free_of_charge"] = free
    fields.update(_extension_fields(entry, report))
    if not fields["name"]:
        report(_("The name of the offer is missing."))
    return fields


def offer_plan(entry: dict, ctx: Context) -> OfferPlan | None:
    report = ctx.reporter(entry)
    uid = ctx.uid(entry, report)
    if uid is not None and uid in ctx.offers:
        report(_("The offer %(id)s appears more than once.") % {"id": uid})
    ctx.offers.add(uid)
    provider_uid = _provider(entry, ctx, report)
    fields = _offer_fields(entry, report)
    fields["category"], target_groups = _taxonomy(entry, ctx, report)
    unchecked = ["category", "provider", "updated_by"] + ([] if fields["name"] else ["name"])
    check_model(Offer(**fields), unchecked, report)
    plan = OfferPlan(
        uid=uid,
        provider_uid=provider_uid,
        fields=fields,
        languages=_languages(entry, ctx, report),
        target_groups=target_groups,
        district_ids=_districts(entry, ctx, report),
    )
    plan.locations = location_plans(entry, ctx, uid, report)
    return plan if uid is not None and provider_uid is not None else None


def plan_import(services: list[dict]) -> tuple[Plan, list[str]]:
    ctx = Context()
    offers = [plan for entry in services if (plan := offer_plan(entry, ctx)) is not None]
    # A shared row (an organization, a taxonomy term) is reported once, not per offer using it.
    return Plan(providers=ctx.providers, offers=offers), list(dict.fromkeys(ctx.errors))


def _stamp(entry: dict, origin: str) -> None:
    """Every object of a JSON entry answers for its errors with the entry's number."""
    stack: list = [entry]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            item[ORIGIN] = origin
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def from_json(data, *, name: str) -> tuple[list[dict], list[str]]:
    """The service objects of a JSON document (a list, or an HSDS API page with `contents`)."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    if not isinstance(data, list):
        raise Refused(_("The JSON file must contain a list of HSDS services."))
    services, errors = [], []
    for number, entry in enumerate(data, start=1):
        origin = _("%(file)s entry %(number)d") % {"file": name, "number": number}
        if not isinstance(entry, dict):
            errors.append(_("%(where)s: %(message)s") % {"where": origin, "message": _("This is not an HSDS service.")})
            continue
        _stamp(entry, origin)
        services.append(entry)
    return services, errors
