"""The HSDS tabular format: the service objects of exchange.serialize flattened into CSV files
(one per HSDS table, named as in the HSDS datapackage) and, on import, assembled back into the
same nested objects, each piece remembering its file and line for error messages."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from .serialize import EXTENSION

# The HSDS columns Notlagen fills, plus its extension columns (x_notlagen_<field>).
TABLES: dict[str, list[str]] = {
    "organizations.csv": ["id", "name", "description", "email", "website", "x_notlagen_agency"],
    "services.csv": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "eligibility_description",
        "last_modified",
        "x_notlagen_anonymous_possible",
        "x_notlagen_capacity",
        "x_notlagen_waiting_days",
    ],
    "phones.csv": ["id", "organization_id", "service_id", "number"],
    "contacts.csv": ["id", "service_id", "name"],
    "languages.csv": ["id", "service_id", "name", "code"],
    "service_areas.csv": ["id", "service_id", "name", "extent", "extent_type"],
    "cost_options.csv": ["id", "service_id", "option", "currency", "amount", "amount_description"],
    "taxonomy_terms.csv": ["id", "code", "name", "description", "taxonomy", "taxonomy_id"],
    "attributes.csv": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity"],
    "locations.csv": ["id", "location_type", "name", "x_notlagen_district", "x_notlagen_wheelchair_accessible"],
    "addresses.csv": [
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "accessibility.csv": ["id", "location_id", "description"],
    "service_at_location.csv": ["id", "service_id", "location_id"],
    "schedules.csv": [
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
    ],
}
# Accepted on import as well: the plural some tools write.
SAL_ALIASES = ("service_at_location.csv", "service_at_locations.csv")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flat(obj: dict, columns: list[str], **links) -> dict:
    """One CSV row of an object: its columns, links to its parent, extension fields flattened."""
    extension = obj.get(EXTENSION) or {}
    row = {}
    for column in columns:
        if column in links:
            row[column] = links[column]
        elif column.startswith("x_notlagen_"):
            row[column] = extension.get(column.removeprefix("x_notlagen_"))
        else:
            row[column] = obj.get(column)
    return row


def _rows_of(services: list[dict]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    organizations, terms, locations = {}, {}, set()
    for service in services:
        sid = service["id"]
        org = service["organization"]
        if org["id"] not in organizations:
            organizations[org["id"]] = org
            rows["organizations.csv"].append(_flat(org, TABLES["organizations.csv"]))
            rows["phones.csv"] += [_flat(p, TABLES["phones.csv"], organization_id=org["id"]) for p in org["phones"]]
        rows["services.csv"].append(_flat(service, TABLES["services.csv"]))
        rows["phones.csv"] += [_flat(p, TABLES["phones.csv"], service_id=sid) for p in service["phones"]]
        for table, key in (
            ("contacts.csv", "contacts"),
            ("languages.csv", "languages"),
            ("service_areas.csv", "service_areas"),
            ("cost_options.csv", "cost_options"),
        ):
            rows[table] += [_flat(item, TABLES[table], service_id=sid) for item in service[key]]
        for attribute in service["attributes"]:
            term = attribute["taxonomy_term"]
            if term["id"] not in terms:
                terms[term["id"]] = term
                rows["taxonomy_terms.csv"].append(_flat(term, TABLES["taxonomy_terms.csv"]))
            rows["attributes.csv"].append(_flat(attribute, TABLES["attributes.csv"]))
        for sal in service["service_at_locations"]:
            location = sal["location"]
            rows["service_at_location.csv"].append(_flat(sal, TABLES["service_at_location.csv"]))
            rows["schedules.csv"] += [_flat(s, TABLES["schedules.csv"]) for s in sal["schedules"]]
            if location["id"] in locations:
                continue
            locations.add(location["id"])
            rows["locations.csv"].append(_flat(location, TABLES["locations.csv"]))
            rows["addresses.csv"] += [_flat(a, TABLES["addresses.csv"]) for a in location["addresses"]]
            rows["accessibility.csv"] += [_flat(a, TABLES["accessibility.csv"]) for a in location["accessibility"]]
    return rows


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def datapackage() -> dict:
    resources = [
        {
            "name": name.removesuffix(".csv"),
            "path": name,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": {"fields": [{"name": column, "type": "string"} for column in columns]},
        }
        for name, columns in TABLES.items()
    ]
    return {
        "name": "notlagen_hilfeangebote",
        "title": "Notlagen: Hilfeangebote (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "resources": resources,
    }


def to_zip(services: list[dict]) -> bytes:
    rows = _rows_of(services)
    buffer = io.BytesIO()
    stamp = timezone.localdate().timetuple()[:6]  # one day's exports are byte for byte the same
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns in TABLES.items():
            archive.writestr(zipfile.ZipInfo(name, stamp), _csv(columns, rows[name]), zipfile.ZIP_DEFLATED)
        package = json.dumps(datapackage(), ensure_ascii=False, indent=2)
        archive.writestr(zipfile.ZipInfo("datapackage.json", stamp), package, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def line_origin(file: str, line: int) -> str:
    return _("%(file)s line %(line)d") % {"file": file, "line": line}
