"""The CSV files of an HSDS tabular import assembled into the nested service objects the JSON
import reads, every object carrying `_origin` ("schedules.csv Zeile 7") for its error messages.
A row that points at a record missing from its file is an error of that row."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .serialize import EXTENSION
from .tabular import SAL_ALIASES, line_origin
from .upload import Refused

ORIGIN = "_origin"
SERVICE_LISTS = ("phones", "contacts", "languages", "service_areas", "cost_options", "attributes")


def _read(name: str, text: str) -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = list(reader)
    except csv.Error:
        raise Refused(_("%(file)s is not a readable CSV file.") % {"file": name}) from None
    objects = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header, as a spreadsheet counts
        obj: dict = {ORIGIN: line_origin(name, number)}
        for key, value in row.items():
            if key is None:  # more cells than columns
                continue
            key, value = key.strip(), (value or "").strip()
            if key.startswith("x_notlagen_"):
                obj.setdefault(EXTENSION, {})[key.removeprefix("x_notlagen_")] = value or None
            else:
                obj[key] = value
        objects.append(obj)
    return objects


class _Assembly:
    def __init__(self, files: dict[str, str]):
        self.tables = {name: _read(name, text) for name, text in files.items() if name.endswith(".csv")}
        for required in ("organizations.csv", "services.csv"):
            if required not in self.tables:
                raise Refused(_("%(file)s is missing in the ZIP archive.") % {"file": required})
        self.errors: list[str] = []

    def error(self, obj: dict, message: str) -> None:
        self.errors.append(_("%(where)s: %(message)s") % {"where": obj[ORIGIN], "message": message})

    def table(self, name: str) -> list[dict]:
        return self.tables.get(name, [])

    def index(self, name: str) -> dict[str, dict]:
        """The rows of a table by id; a repeated id is an error of the later row."""
        found: dict[str, dict] = {}
        for obj in self.table(name):
            key = obj.get("id", "")
            if key in found:
                self.error(obj, _("The id %(id)s appears twice in this file.") % {"id": key})
            elif key:
                found[key] = obj
        return found

    def missing(self, obj: dict, link: str, parent_file: str) -> None:
        self.error(obj, _("%(id)s is not in %(file)s.") % {"id": obj.get(link) or "–", "file": parent_file})

    def attach_one(self, obj: dict, link: str, parents: dict[str, dict], target: str, parent_file: str) -> None:
        """Append `obj` to the list `target` of the parent its column `link` names."""
        parent = parents.get(obj.get(link, ""))
        if parent is None:
            self.missing(obj, link, parent_file)
        else:
            parent.setdefault(target, []).append(obj)

    def attach(self, name: str, link: str, parents: dict[str, dict], target: str, parent_file: str) -> None:
        for obj in self.table(name):
            self.attach_one(obj, link, parents, target, parent_file)


def _services(assembly: _Assembly) -> dict[str, dict]:
    organizations = assembly.index("organizations.csv")
    for organization in organizations.values():
        organization.setdefault("phones", [])
    services = assembly.index("services.csv")
    for service in services.values():
        organization = organizations.get(service.get("organization_id", ""))
        if organization is None:
            assembly.missing(service, "organization_id", "organizations.csv")
        else:
            service["organization"] = organization
        for key in SERVICE_LISTS + ("service_at_locations",):
            # Without a cost_options.csv nothing is said about fees: the stored value stays.
            if key != "cost_options" or "cost_options.csv" in assembly.tables:
                service.setdefault(key, [])
    for phone in assembly.table("phones.csv"):
        if phone.get("service_id"):
            assembly.attach_one(phone, "service_id", services, "phones", "services.csv")
        else:
            assembly.attach_one(phone, "organization_id", organizations, "phones", "organizations.csv")
    for name, target in (
        ("contacts.csv", "contacts"),
        ("languages.csv", "languages"),
        ("service_areas.csv", "service_areas"),
        ("cost_options.csv", "cost_options"),
    ):
        assembly.attach(name, "service_id", services, target, "services.csv")
    _attributes(assembly, services)
    return services


def _attributes(assembly: _Assembly, services: dict[str, dict]) -> None:
    terms = assembly.index("taxonomy_terms.csv")
    for attribute in assembly.table("attributes.csv"):
        if attribute.get("link_entity", "service") not in ("", "service"):
            continue  # attributes of other records carry nothing Notlagen keeps
        term = terms.get(attribute.get("taxonomy_term_id", ""))
        if term is None:
            assembly.missing(attribute, "taxonomy_term_id", "taxonomy_terms.csv")
            continue
        attribute["taxonomy_term"] = term
        assembly.attach_one(attribute, "link_id", services, "attributes", "services.csv")


def _locations(assembly: _Assembly, services: dict[str, dict]) -> None:
    locations = assembly.index("locations.csv")
    for location in locations.values():
        location.setdefault("addresses", [])
        location.setdefault("accessibility", [])
    assembly.attach("addresses.csv", "location_id", locations, "addresses", "locations.csv")
    assembly.attach("accessibility.csv", "location_id", locations, "accessibility", "locations.csv")
    sal_file = next((name for name in SAL_ALIASES if name in assembly.tables), SAL_ALIASES[0])
    by_id, by_pair = {}, {}
    for sal in assembly.table(sal_file):
        location = locations.get(sal.get("location_id", ""))
        if location is None:
            assembly.missing(sal, "location_id", "locations.csv")
            continue
        sal["location"], sal["schedules"] = location, []
        assembly.attach_one(sal, "service_id", services, "service_at_locations", "services.csv")
        if sal.get("id"):
            by_id[sal["id"]] = sal
        by_pair[(sal.get("service_id"), sal.get("location_id"))] = sal
    for schedule in assembly.table("schedules.csv"):
        sal = by_id.get(schedule.get("service_at_location_id", "")) or by_pair.get(
            (schedule.get("service_id"), schedule.get("location_id"))
        )
        if sal is None:
            message = _("The opening hours belong to no location of an offer in %(file)s.")
            assembly.error(schedule, message % {"file": sal_file})
        else:
            sal["schedules"].append(schedule)


def assemble(files: dict[str, str]) -> tuple[list[dict], list[str]]:
    """The services of the archive (in the order of services.csv) and the reference errors."""
    assembly = _Assembly(files)
    services = _services(assembly)
    _locations(assembly, services)
    return list(services.values()), assembly.errors
