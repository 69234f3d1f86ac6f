"""The directory's exchange with other systems in Open Referral HSDS 3.0: export as JSON and as
a ZIP of CSV files, import of both (round trip), every kind of bad row reported with its file
and line and nothing written, hostile files refused, and only exchange users get the pages."""

from __future__ import annotations

import copy
import csv
import io
import json
import uuid
import zipfile
from datetime import time

import pytest

from agencies.models import District
from agencies.roles import Role
from referrals.exchange import hsds, tabular
from referrals.models import Offer, OfferLanguage, OfferLocation, OfferTargetGroup, Provider, Schedule

from .factories import AgencyFactory, member

pytestmark = pytest.mark.django_db


def build_directory(agency=None) -> dict:
    """A small directory in Hannover and Offenbach: one provider in Notlagen, one external."""
    d = {
        (m, n): District.objects.get_or_create(municipality=m, name=n)[0]
        for m, n in [
            ("Hannover", "Mitte"),
            ("Hannover", "Linden-Nord"),
            ("Hannover", "Sahlkamp"),
            ("Offenbach am Main", "Nordend"),
        ]
    }
    inside = Provider.objects.create(
        name="Frauenberatung Lindenblüte e. V.",
        description="Beratung für Frauen in Not",
        agency=agency,
        website="https://lindenbluete.example.org",
        email="kontakt@lindenbluete.example.org",
        phone="0511 123456",
    )
    outside = Provider.objects.create(name="Schuldnerberatung Nord gGmbH", description="")
    shelter = Offer.objects.create(
        provider=inside,
        name="Frauenschutzberatung",
        description="Beratung bei häuslicher Gewalt; anonym möglich.",
        category="violence",
        eligibility="Frauen ab 18 Jahren",
        free_of_charge=True,
        anonymous_possible=True,
        capacity="waiting_list",
        waiting_days=5,
        contact_name="Frau Özdemir",
        phone="0511 654321",
        email="beratung@lindenbluete.example.org",
        url="https://lindenbluete.example.org/beratung",
    )
    shelter.districts.set([d[("Hannover", "Mitte")], d[("Hannover", "Linden-Nord")]])
    for code in ("de", "tr", "ar"):
        OfferLanguage.objects.create(offer=shelter, code=code)
    OfferTargetGroup.objects.create(offer=shelter, code="women")
    place = OfferLocation.objects.create(
        offer=shelter,
        name="Beratungsstelle Limmerstraße",
        street="Limmerstraße 41",
        postal_code="30451",
        city="Hannover",
        district=d[("Hannover", "Linden-Nord")],
        accessibility="Aufzug, Klingel auf Rollstuhlhöhe",
        wheelchair_accessible=True,
    )
    Schedule.objects.create(location=place, weekday="MO", opens_at=time(9), closes_at=time(12))
    Schedule.objects.create(location=place, weekday="TH", opens_at=time(14), closes_at=time(18, 30))
    debt = Offer.objects.create(
        provider=outside, name="Schuldnerberatung", category="debt", free_of_charge=False, is_active=False
    )
    debt.districts.set([d[("Hannover", "Sahlkamp")]])
    OfferTargetGroup.objects.create(offer=debt, code="everyone")
    other = OfferLocation.objects.create(offer=debt, street="Elmstraße 15", postal_code="30657", city="Hannover")
    Schedule.objects.create(location=other, weekday="WE", opens_at=time(10), closes_at=time(16))
    Offer.objects.create(provider=outside, name="Wohnungsnotfallhilfe Offenbach", category="housing").districts.set(
        [d[("Offenbach am Main", "Nordend")]]
    )
    return {"districts": d, "inside": inside, "outside": outside, "shelter": shelter, "debt": debt}


def snapshot() -> dict:
    """The directory's content, comparable across a wipe (ids are the exchange uids)."""
    result = {}
    offers = Offer.objects.select_related("provider").prefetch_related(
        "language_rows", "target_group_rows", "districts", "locations__schedules", "locations__district"
    )
    for offer in offers:
        provider = offer.provider
        result[str(offer.uid)] = {
            "provider": (str(provider.uid), provider.name, provider.description, provider.website, provider.email),
            "provider_phone": provider.phone,
            "fields": [
                getattr(offer, name)
                for name in (
                    "name description category eligibility free_of_charge anonymous_possible capacity "
                    "waiting_days contact_name phone email url is_active"
                ).split()
            ],
            "languages": sorted(offer.language_codes),
            "groups": sorted(offer.target_group_codes),
            "districts": sorted(str(d) for d in offer.districts.all()),
            "locations": sorted(
                (
                    str(loc.uid),
                    loc.name,
                    loc.street,
                    loc.postal_code,
                    loc.city,
                    str(loc.district),
                    loc.accessibility,
                    loc.wheelchair_accessible,
                    tuple(sorted((s.weekday, s.opens_at, s.closes_at) for s in loc.schedules.all())),
                )
                for loc in offer.locations.all()
            ),
        }
    return result


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Provider,
            Offer,
            OfferLocation,
            Schedule,
            OfferLanguage,
            OfferTargetGroup,
            Offer.districts.through,
        )
    )


def wipe() -> None:
    Schedule.objects.all().delete()
    OfferLocation.objects.all().delete()
    Offer.objects.all().delete()
    Provider.objects.all().delete()


@pytest.fixture
def exchanger(agency):
    return member(Role.ADMINISTRATOR, agency, username="austausch", is_staff=True)


@pytest.fixture
def directory(agency):
    return build_directory(AgencyFactory(name="Lindenblüte", short_name="Lindenblüte"))


def _import(user, name: str, content) -> hsds.ImportResult:
    if not isinstance(content, bytes):
        content = json.dumps(content).encode()
    return hsds.import_file(actor=user, name=name, content=content)


def test_json_round_trip(exchanger, directory):
    before = snapshot()
    exported = hsds.export_json(actor=exchanger)
    wipe()
    result = _import(exchanger, "hilfeangebote.json", exported)
    assert result.ok, result.errors
    assert (result.offers_created, result.offers_updated, result.providers_created) == (3, 0, 2)
    assert snapshot() == before
    assert _comparable(hsds.export_json(actor=exchanger)) == _comparable(exported)  # ids stable


def _comparable(exported: bytes) -> list[dict]:
    services = json.loads(exported)
    for service in services:
        service.pop("last_modified")
        service["organization"]["x_notlagen"]["agency"] = None  # a wiped provider comes back external
    return services


def test_zip_round_trip(exchanger, directory):
    before = snapshot()
    exported = hsds.export_zip(actor=exchanger)
    wipe()
    result = _import(exchanger, "hilfeangebote.zip", exported)
    assert result.ok, result.errors
    assert result.offers_created == 3 and result.locations == 2
    assert snapshot() == before


def test_reimport_updates_in_place_and_keeps_the_agency_link(exchanger, directory):
    exported = json.loads(hsds.export_json(actor=exchanger))
    exported[0]["name"] = "Frauenschutzberatung (neu)"
    Offer.objects.create(provider=directory["outside"], name="Nur hier", category="health")
    result = _import(exchanger, "hilfeangebote.json", exported)
    assert result.ok, result.errors
    assert (result.offers_created, result.offers_updated, result.offers_untouched) == (0, 3, 1)
    shelter = Offer.objects.get(pk=directory["shelter"].pk)
    assert shelter.name == "Frauenschutzberatung (neu)" and shelter.version == 2
    assert shelter.updated_by == exchanger
    assert shelter.provider.agency.short_name == "Lindenblüte"  # never changed by an import
    assert Offer.objects.filter(name="Nur hier").exists()  # not in the file: not deleted


def test_a_new_provider_is_external_whatever_the_extension_says(exchanger, directory):
    exported = json.loads(hsds.export_json(actor=exchanger))
    entry = exported[0]
    entry["id"], entry["organization"]["id"] = str(uuid.uuid4()), str(uuid.uuid4())
    entry["service_at_locations"] = []
    assert entry["organization"]["x_notlagen"]["agency"] == "Lindenblüte"
    assert _import(exchanger, "neu.json", [entry]).ok
    assert Offer.objects.get(uid=entry["id"]).provider.agency is None


def test_hsds_field_names(exchanger, directory):
    services = json.loads(hsds.export_json(actor=exchanger))
    shelter = next(s for s in services if s["name"] == "Frauenschutzberatung")
    assert shelter["id"] == str(directory["shelter"].uid) and shelter["status"] == "active"
    for key in ("organization", "languages", "phones", "contacts", "service_areas", "service_at_locations"):
        assert shelter[key], key
    assert shelter["eligibility_description"] == "Frauen ab 18 Jahren"
    assert shelter["organization"]["id"] == str(directory["inside"].uid)
    assert [phone["number"] for phone in shelter["organization"]["phones"]] == ["0511 123456"]
    assert {language["code"] for language in shelter["languages"]} == {"de", "tr", "ar"}
    assert {a["name"] for a in shelter["service_areas"]} == {"Hannover – Mitte", "Hannover – Linden-Nord"}
    sal = shelter["service_at_locations"][0]
    location = sal["location"]
    address = {"address_1": "Limmerstraße 41", "postal_code": "30451", "country": "DE", "address_type": "physical"}
    assert address.items() <= location["addresses"][0].items()
    assert location["accessibility"][0]["description"].startswith("Aufzug")
    monday = {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}
    assert monday.items() <= sal["schedules"][0].items()
    terms = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in shelter["attributes"]}
    assert terms == {("notlagen_category", "violence"), ("notlagen_target_group", "women")}
    assert shelter["cost_options"][0]["amount"] == 0
    assert shelter["x_notlagen"] == {"anonymous_possible": True, "capacity": "waiting_list", "waiting_days": 5}
    assert location["x_notlagen"] == {"district": "Hannover – Linden-Nord", "wheelchair_accessible": True}
    debt = next(s for s in services if s["name"] == "Schuldnerberatung")
    assert debt["status"] == "inactive" and debt["cost_options"][0]["amount"] is None


def test_the_zip_is_hsds_tabular(exchanger, directory):
    archive = zipfile.ZipFile(io.BytesIO(hsds.export_zip(actor=exchanger)))
    names = set(archive.namelist())
    for name in ("organizations.csv", "services.csv", "locations.csv", "service_at_location.csv", "schedules.csv"):
        assert name in names
    for name in ("languages.csv", "attributes.csv", "service_areas.csv", "datapackage.json"):
        assert name in names
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} == names - {"datapackage.json"}
    services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode("utf-8"))))
    assert all(uuid.UUID(row["id"]) and uuid.UUID(row["organization_id"]) for row in services)
    assert "Frauenschutzberatung" in {row["name"] for row in services}


# --- Bad rows: every error names file and line, and nothing is written. ---------------------------


def _set(path: list, value):
    def change(entry):
        target = entry
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


SAL = ["service_at_locations", 0]


def _overlapping_hours(entry):
    schedules = entry["service_at_locations"][0]["schedules"]
    later = dict(schedules[0], id=str(uuid.uuid4()))
    later["opens_at"] = later["opens_at"][:3] + "30" + later["opens_at"][5:]  # half an hour later
    schedules.append(later)


BAD_ENTRIES = [
    ("missing name", _set(["name"], ""), "Der Name des Angebots fehlt"),
    ("unknown category", _set(["attributes", 0, "taxonomy_term", "code"], "astrology"), "Unbekannte Kategorie"),
    ("unknown target group", _set(["attributes", 1, "taxonomy_term", "code"], "aliens"), "Unbekannte Zielgruppe"),
    ("unknown language", _set(["languages", 0, "code"], "xx"), "Unbekannter Sprachcode „xx“"),
    ("bad time", _set(SAL + ["schedules", 0, "opens_at"], "9 Uhr"), "keine Uhrzeit"),
    ("closes before it opens", _set(SAL + ["schedules", 0, "closes_at"], "08:00"), "schließen um 08:00"),
    ("monthly rule", _set(SAL + ["schedules", 0, "freq"], "MONTHLY"), "wöchentliche Öffnungszeiten"),
    ("bad weekday", _set(SAL + ["schedules", 0, "byday"], "1MO"), "keine Wochentage"),
    ("overlapping hours", _overlapping_hours, "überschneidet sich"),
    ("bad postal code", _set(SAL + ["location", "addresses", 0, "postal_code"], "3045"), "Postleitzahl „3045“"),
    ("unknown district", _set(["service_areas", 0, "name"], "Hannover – Atlantis"), "Unbekannter Stadtteil"),
    ("unknown location district", _set(SAL + ["location", "x_notlagen", "district"], "Atlantis"), "Atlantis"),
    ("bad id", _set(["id"], "42"), "keine UUID"),
    ("bad mail address", _set(["email"], "kein-at-zeichen"), "E-Mail"),
    ("bad capacity", _set(["x_notlagen", "capacity"], "endless"), "Unbekannte Kapazität"),
    ("missing organization name", _set(["organization", "name"], ""), "Der Name der Organisation fehlt"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_ENTRIES, ids=[b[0] for b in BAD_ENTRIES])
def test_a_bad_json_entry_is_reported_and_nothing_is_written(exchanger, directory, case, change, message):
    services = json.loads(hsds.export_json(actor=exchanger))
    shelter_index = next(i for i, s in enumerate(services) if s["name"] == "Frauenschutzberatung")
    fresh = copy.deepcopy(next(s for s in services if s["name"] == "Wohnungsnotfallhilfe Offenbach"))
    fresh["id"], fresh["name"] = str(uuid.uuid4()), "Ganz neues Angebot"
    change(services[shelter_index])
    before, state = counts(), snapshot()
    result = _import(exchanger, "liste.json", [fresh, *services])
    assert not result.ok
    where = f"liste.json Eintrag {shelter_index + 2}: "
    assert any(e.startswith(where) and message in e for e in result.errors), result.errors
    assert counts() == before and snapshot() == state
    assert not Offer.objects.filter(uid=fresh["id"]).exists()  # the good entry was not written either


def _zip_with(exchanger, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(hsds.export_zip(actor=exchanger)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            data = source.read(member)
            if member == name:
                rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
                change(rows)
                out = io.StringIO()
                writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
                data = out.getvalue().encode("utf-8")
            target.writestr(member, data)
    return buffer.getvalue()


def _cell(column, value, row=0):
    def change(rows):
        rows[row][column] = value

    return change


def _cells(**values):
    def change(rows):
        rows[0].update(values)

    return change


BAD_ROWS = [
    ("services.csv", _cell("name", ""), 2, "Der Name des Angebots fehlt"),
    ("taxonomy_terms.csv", _cell("code", "astrology"), 2, "Unbekannte Kategorie"),
    ("languages.csv", _cell("code", "klingon", row=1), 3, "Unbekannter Sprachcode"),
    ("schedules.csv", _cell("opens_at", "25:00", row=1), 3, "keine Uhrzeit"),
    ("schedules.csv", _cell("freq", "DAILY"), 2, "wöchentliche Öffnungszeiten"),
    ("addresses.csv", _cell("postal_code", "ABCDE"), 2, "Postleitzahl"),
    ("service_areas.csv", _cell("name", "Hannover – Atlantis"), 2, "Unbekannter Stadtteil"),
    ("locations.csv", _cell("x_notlagen_district", "Offenbach am Main – Atlantis"), 2, "Unbekannter Stadtteil"),
    ("services.csv", _cell("x_notlagen_waiting_days", "bald"), 2, "Wartezeit"),
    ("schedules.csv", _cells(service_at_location_id=str(uuid.uuid4()), location_id=""), 2, "keinem Ort"),
    ("services.csv", _cell("organization_id", str(uuid.uuid4())), 2, "organizations.csv"),
]


@pytest.mark.parametrize(("file", "change", "line", "message"), BAD_ROWS, ids=[f"{b[0]}-{b[3]}" for b in BAD_ROWS])
def test_a_bad_csv_row_is_reported_with_file_and_line(exchanger, directory, file, change, line, message):
    content = _zip_with(exchanger, file, change)
    before, state = counts(), snapshot()
    result = _import(exchanger, "austausch.zip", content)
    assert not result.ok
    assert any(e.startswith(f"{file} Zeile {line}: ") and message in e for e in result.errors), result.errors
    assert counts() == before and snapshot() == state


def test_several_errors_are_all_listed(exchanger, directory):
    services = json.loads(hsds.export_json(actor=exchanger))
    services[0]["name"] = ""
    services[1]["languages"] = [{"code": "xx"}]
    services[2]["service_areas"] = [{"name": "Nirgendwo"}]
    result = _import(exchanger, "x.json", services)
    assert [e.split(":")[0] for e in result.errors] == ["x.json Eintrag 1", "x.json Eintrag 2", "x.json Eintrag 3"]


# --- Hostile and broken files are refused as a whole. -------------------------------------------


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("case", "name", "content", "message"),
    [
        ("zip bomb", "bomb.zip", _zip({"services.csv": b"0" * (60 * 1024 * 1024)}), "zu viele Daten"),
        ("too many files", "many.zip", _zip({f"f{i}.csv": b"id\n" for i in range(41)}), "mehr als 40 Dateien"),
        ("path traversal", "evil.zip", _zip({"../services.csv": b"id,name\n"}), "unsicheren Namen"),
        ("absolute path", "evil.zip", _zip({"/etc/services.csv": b"id,name\n"}), "unsicheren Namen"),
        ("latin-1 csv", "alt.zip", _zip({"organizations.csv": "id,name\n1,Müller".encode("latin-1")}), "UTF-8"),
        ("latin-1 json", "alt.json", '[{"name": "Müller"}]'.encode("latin-1"), "UTF-8"),
        ("not json", "kaputt.json", b"{ this is not json", "weder"),
        ("broken zip", "kaputt.zip", b"PK\x03\x04" + b"\x00" * 40, "kein gültiges ZIP"),
        ("no services file", "leer.zip", _zip({"organizations.csv": b"id,name\n"}), "services.csv fehlt"),
        ("too large", "gross.json", b"[" + b" " * (5 * 1024 * 1024) + b"]", "größer als 5 MB"),
        ("an object", "obj.json", b'{"services": 1}', "Liste von HSDS-Diensten"),
        ("deep nesting", "tief.json", b"[" * 100_000 + b"]" * 100_000, "weder"),
    ],
)
def test_hostile_files_are_refused(exchanger, directory, case, name, content, message):
    before = counts()
    result = _import(exchanger, name, content)
    assert len(result.errors) == 1 and message in result.errors[0], result.errors
    assert counts() == before


def test_a_zip_bomb_with_lying_sizes_is_cut_off(exchanger, directory):
    data = _zip({"services.csv": b"x" * (30 * 1024 * 1024)})
    # Falsify the declared size in the central directory and the local header.
    real = (30 * 1024 * 1024).to_bytes(4, "little")
    forged = data.replace(real, (1000).to_bytes(4, "little"))
    assert forged != data
    before = counts()
    result = _import(exchanger, "luege.zip", forged)
    assert len(result.errors) == 1 and "ZIP" in result.errors[0], result.errors
    assert counts() == before


# --- The pages: only exchange users (administrators) get them. ----------------------------------


EXCHANGE_PAGES = ["/hilfeangebote/austausch/", "/hilfeangebote/export.json", "/hilfeangebote/export.zip"]


@pytest.mark.parametrize("path", EXCHANGE_PAGES)
@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.CLERK, Role.DIRECTORY_EDITOR])
def test_others_get_404(client, agency, directory, path, role):
    from .conftest import login

    login(client, member(role, agency))
    assert client.get(path).status_code == 404


def test_import_post_by_a_team_lead_is_404_and_writes_nothing(client, team_lead, exchanger, directory):
    from .conftest import login

    content = hsds.export_json(actor=exchanger)
    wipe()
    login(client, team_lead)
    upload = io.BytesIO(content)
    upload.name = "x.json"
    assert client.post("/hilfeangebote/austausch/", {"file": upload}).status_code == 404
    assert Offer.objects.count() == 0


def test_the_administrator_exports_and_imports_through_the_page(verified_client, exchanger, directory):
    client = verified_client(exchanger)
    page = client.get("/hilfeangebote/austausch/")
    assert page.status_code == 200 and "Hilfeangebote austauschen" in page.content.decode()
    download = client.get("/hilfeangebote/export.json")
    exported = download.getvalue()
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment; filename=")
    zipped = client.get("/hilfeangebote/export.zip")
    assert zipped["Content-Type"] == "application/zip" and zipped.getvalue().startswith(b"PK")
    services = json.loads(exported)
    services[0]["name"] = ""
    upload = io.BytesIO(json.dumps(services).encode())
    upload.name = "fehler.json"
    answer = client.post("/hilfeangebote/austausch/", {"file": upload}).content.decode()
    assert "Es wurde nichts übernommen" in answer and "fehler.json Eintrag 1:" in answer
    upload = io.BytesIO(exported)
    upload.name = "gut.json"
    answer = client.post("/hilfeangebote/austausch/", {"file": upload}).content.decode()
    assert "Die Datei wurde übernommen" in answer and "3 Angebote aktualisiert" in answer


def test_the_page_refuses_a_missing_or_large_file_at_the_field(verified_client, exchanger, directory):
    client = verified_client(exchanger)
    answer = client.post("/hilfeangebote/austausch/", {}).content.decode()
    assert "Bitte wählen Sie eine Datei" in answer
    upload = io.BytesIO(b" " * (5 * 1024 * 1024 + 1))
    upload.name = "gross.json"
    answer = client.post("/hilfeangebote/austausch/", {"file": upload}).content.decode()
    assert "größer als 5 MB" in answer


def test_the_export_is_stable(exchanger, directory):
    assert hsds.export_zip(actor=exchanger) == hsds.export_zip(actor=exchanger)
    assert tabular.datapackage()["profile"] == "tabular-data-package"


def test_the_demo_directory_survives_both_round_trips(agency):
    from fixtures.loader import load_demo_data
    from referrals.models import Referral

    load_demo_data()
    if not Offer.objects.exists():
        pytest.skip("the demo data brings no directory yet")
    admin = member(Role.ADMINISTRATOR, agency, username="rundreise", is_staff=True)
    before = snapshot()
    for name, export in (("demo.json", hsds.export_json), ("demo.zip", hsds.export_zip)):
        content = export(actor=admin)
        assert _import(admin, name, content).ok  # in place: everything updated
        assert snapshot() == before
        Referral.objects.all().delete()  # they protect their offers; the test only needs the directory
        wipe()
        result = _import(admin, name, content)
        assert result.ok, result.errors[:5]
        assert snapshot() == before


def test_the_export_queries_do_not_grow_with_the_directory(exchanger, directory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hsds.export_json(actor=exchanger)  # the actor's roles are read once, then cached on the user
    with CaptureQueriesContext(connection) as small:
        hsds.export_json(actor=exchanger)
    for index in range(20):
        offer = Offer.objects.create(provider=directory["outside"], name=f"Angebot {index}", category="health")
        OfferLanguage.objects.create(offer=offer, code="en")
        OfferLocation.objects.create(offer=offer, street="Weg 1", postal_code="30159", city="Hannover")
    with CaptureQueriesContext(connection) as big:
        hsds.export_zip(actor=exchanger)
    assert len(big) == len(small)
