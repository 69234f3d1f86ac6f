"""What leaves the office: the SEPA pain.001 file (XSD, version, header count and sum, the SEPA
character set, tamper check) and the cash voucher PDF (amount in words); and the money helpers
behind both (German amounts, amounts in words, text for banks)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from defusedxml import ElementTree as ET
from django.core.exceptions import ValidationError

from payments import money, sepa, services
from payments.models import Export, Payment

from .payments_world import fund_for, request
from .pdf_text import pdf_text
from .world import build_world

pytestmark = pytest.mark.django_db

HOLDER = "Jürgen Weiß & Söhne Ölhandel"
REMITTANCE = "Miete März für Jürgen Weiß, Kundennr. #4711 " + "Nebenkostenabrechnung " * 6
AMOUNTS = ["250.00", "99.99", "1.01"]
IN_WORDS = "eintausendzweihundertvierunddreißig Euro und fünfzig Cent"


@pytest.fixture
def world(db):
    world = build_world()
    world.fund = fund_for(world.owner)
    return world


@cache
def _schema(version: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas" / f"{version}.xsd"))


def _sepa_export(world) -> tuple[Export, list[Payment]]:
    for amount in AMOUNTS:
        payment = request(world, amount=amount, account_holder=HOLDER, remittance=REMITTANCE)
        services.payment_approve(actor=world.users["clerk"], case=world.case, payment=payment)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.SEPA)
    return export, list(Payment.objects.filter(export=export).order_by("id"))


def _texts(content: bytes, tag: str) -> list[str]:
    return [node.text for node in ET.fromstring(content).iter() if node.tag.rsplit("}", 1)[-1] == tag]


def _namespace(content: bytes) -> str:
    return ET.fromstring(content).tag[1:].split("}", 1)[0]


def _header(content: bytes) -> tuple[int, Decimal]:
    group_header = next(n for n in ET.fromstring(content).iter() if n.tag.endswith("}GrpHdr"))
    values = {child.tag.rsplit("}", 1)[-1]: child.text for child in group_header}
    return int(values["NbOfTxs"]), Decimal(values["CtrlSum"])


def test_the_file_validates_against_the_default_version(world, settings):
    if "PAYMENTS_PAIN001_VERSION" not in os.environ:
        assert settings.PAYMENTS_PAIN001_VERSION == "pain.001.001.09"
    export, payments = _sepa_export(world)
    content = bytes(export.content)
    version = settings.PAYMENTS_PAIN001_VERSION
    assert _namespace(content) == f"urn:iso:std:iso:20022:tech:xsd:{version}"
    _schema(version).validate(io.BytesIO(content))
    assert _header(content) == (len(payments), sum(p.amount for p in payments))
    assert (export.count, export.total) == (len(AMOUNTS), sum(Decimal(a) for a in AMOUNTS))
    assert sorted(Decimal(a) for a in _texts(content, "InstdAmt")) == sorted(Decimal(a) for a in AMOUNTS)


def test_the_older_version_when_the_bank_wants_it(world, settings):
    settings.PAYMENTS_PAIN001_VERSION = "pain.001.001.03"
    export, payments = _sepa_export(world)
    content = bytes(export.content)
    assert _namespace(content) == "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
    _schema("pain.001.001.03").validate(io.BytesIO(content))
    assert not _schema("pain.001.001.09").is_valid(io.BytesIO(content))
    assert _header(content) == (len(payments), sum(p.amount for p in payments))


def test_names_and_remittance_in_the_sepa_character_set(world):
    export, payments = _sepa_export(world)
    content = bytes(export.content)
    holders = [name for name in _texts(content, "Nm") if name.startswith("Juergen")]
    assert holders == ["Juergen Weiss Soehne Oelhandel"] * len(payments)
    remittances = _texts(content, "Ustrd")
    assert len(remittances) == len(payments)
    for payment, text in zip(payments, remittances, strict=True):
        assert len(text) == 140
        assert text.startswith(f"{payment.voucher_number} Miete Maerz fuer Juergen Weiss, Kundennr. 4711 Neben")
        assert not re.search(r"[^A-Za-z0-9/\-?:().,'+ ]", text)
    for tag in ("Nm", "Ustrd", "EndToEndId"):
        assert not any(ch in "".join(_texts(content, tag)) for ch in "äöüÄÖÜß&#€")


def test_sepa_text():
    assert money.sepa_text("Äpfel, Öl, Übel, Straße", 70) == "Aepfel, Oel, Uebel, Strasse"
    assert money.sepa_text("Café & Crêpes #1", 70) == "Cafe Crepes 1"
    assert money.sepa_text("  Miete\n\tOktober  ", 70) == "Miete Oktober"
    assert money.sepa_text("ä" * 100, 140) == "ae" * 70
    assert len(money.sepa_text("x" * 300, 140)) == 140
    assert money.sepa_text("Kundennr. 12 " + "y" * 200, 14) == "Kundennr. 12 y"
    assert money.sepa_text("", 70) == ""


def test_sepa_text_replaces_symbols_outside_the_set_by_a_space():
    """The docstring: "anything outside the SEPA set replaced by a space" - also a dash or a
    euro sign without an ASCII decomposition, which must not glue two words together."""
    assert money.sepa_text("Müller–Lüdenscheidt", 70) == "Mueller Luedenscheidt"
    assert money.sepa_text("Abschlag€Oktober", 70) == "Abschlag Oktober"


def _replace_nth(content: bytes, tag: str, index: int, value: str) -> bytes:
    matches = list(re.finditer(rb"<(?:\w+:)?%s(?:\s[^>]*)?>([^<]*)</" % tag.encode(), content))
    match = matches[index]
    return content[: match.start(1)] + value.encode() + content[match.end(1) :]


def test_check_accepts_the_file_it_built(world):
    export, payments = _sepa_export(world)
    sepa.check(bytes(export.content), payments)


@pytest.mark.parametrize(
    ("tag", "index", "value"),
    [
        ("CtrlSum", 0, "351.01"),  # the group header's control sum
        ("NbOfTxs", 0, "2"),  # the group header's count
        ("InstdAmt", 1, "999.99"),  # one transfer's amount
        ("Ustrd", 0, "Miete März"),  # an umlaut a bank refuses
        ("IBAN", 1, "DE89370400440532013001"),  # a creditor's IBAN with a wrong check digit
    ],
)
def test_check_refuses_a_tampered_file(world, tag, index, value):
    export, payments = _sepa_export(world)
    tampered = _replace_nth(bytes(export.content), tag, index, value)
    assert tampered != bytes(export.content)
    with pytest.raises(ValidationError):
        sepa.check(tampered, payments)


@pytest.mark.parametrize(("tag", "value"), [("CtrlSum", "351.01"), ("NbOfTxs", "2")])
def test_check_refuses_a_tampered_payment_information_block(world, tag, value):
    """The batch (PmtInf) repeats count and control sum; a bank refuses a file where they do not
    match its transfers, so the check must too."""
    export, payments = _sepa_export(world)
    content = bytes(export.content)
    assert len(_texts(content, tag)) == 2  # the group header's, then the batch's
    with pytest.raises(ValidationError):
        sepa.check(_replace_nth(content, tag, 1, value), payments)


def _poppler_checks(pdf: bytes, tmp_path: Path) -> str | None:
    """Render the first page with pdftoppm and read the text with pdftotext, where installed."""
    source = tmp_path / "vouchers.pdf"
    source.write_bytes(pdf)
    if pdftoppm := shutil.which("pdftoppm"):
        command = [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", source, tmp_path / "page"]
        subprocess.run(command, check=True, timeout=60)  # noqa: S603 - a fixed poppler command on our file
        pages = list(tmp_path.glob("page*.png"))
        assert len(pages) == 1 and pages[0].read_bytes().startswith(b"\x89PNG")
    if pdftotext := shutil.which("pdftotext"):
        command = [pdftotext, "-enc", "UTF-8", source, "-"]
        return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout.decode()  # noqa: S603
    return None


def test_cash_voucher_pdf_with_the_amount_in_words(world, tmp_path):
    payment = request(world, method="cash", amount="1234.50", payee_name="Jürgen Weiß")
    services.payment_approve(actor=world.users["team_lead"], case=world.case, payment=payment)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format=Export.Format.CASH)
    pdf = bytes(export.content)
    assert pdf.startswith(b"%PDF") and export.content_type == "application/pdf"
    assert (export.count, export.total) == (1, Decimal("1234.50"))
    texts = [pdf_text(pdf)]
    poppler = _poppler_checks(pdf, tmp_path)
    if poppler is not None:
        texts.append(poppler)
    for text in texts:
        flat = " ".join(text.split())
        assert IN_WORDS in flat
        assert "1.234,50 EUR" in flat
        assert payment.voucher_number in flat and "Jürgen Weiß" in flat


def test_in_words():
    assert money.in_words(Decimal("1234.50")) == IN_WORDS
    assert money.in_words(Decimal("1234.5")) == IN_WORDS
    assert money.in_words(Decimal("80")) == "achtzig Euro"
    assert money.in_words(Decimal("0.99")) == "null Euro und neunundneunzig Cent"
    assert money.in_words(Decimal("1000000.00")) == "eine Million Euro"


def test_in_words_says_ein_euro():
    """A voucher writes "ein Euro", never "eins Euro" (num2words gives the counting form)."""
    assert money.in_words(Decimal("1.01")) == "ein Euro und ein Cent"
    assert money.in_words(Decimal("21.00")) == "einundzwanzig Euro"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,50", "1234.50"),
        ("1234,5", "1234.50"),
        ("12.50", "12.50"),
        ("80", "80"),
        ("1.234.567,89", "1234567.89"),
        (" 250,00 € ", "250.00"),
        ("250 EUR", "250"),
    ],
)
def test_parse_euros(typed, amount):
    assert money.parse_euros(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["0", "0,00", "-5", "1,234", "12,345", "abc", "1.23.4", "", "12,,5", "1e3"])
def test_parse_euros_refuses(typed):
    with pytest.raises(ValidationError) as refused:
        money.parse_euros(typed)
    assert refused.value.messages and all(refused.value.messages)
