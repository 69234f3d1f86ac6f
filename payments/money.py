"""Money as people type it and as banks and cash desks want it: German amounts ("1.234,50"),
amounts in words for vouchers, IBANs checked and BICs derived (schwifty), and text cut down to
the SEPA character set."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from num2words import num2words
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

CENT = Decimal("0.01")
# "1234,50", "1.234,50", "1234.50" (a dot before one or two final digits is read as decimals).
_GERMAN = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+(,\d+)?$")
_POINT_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")


def parse_euros(text: str) -> Decimal:
    """A German amount in euros as typed; ValidationError with a German message otherwise."""
    raw = (text or "").strip().replace("€", "").replace("\u00a0", "").replace(" ", "").removesuffix("EUR")
    if raw.startswith("-"):
        raise ValidationError(_("The amount must be greater than zero."))
    if _POINT_DECIMAL.match(raw):
        normal = raw
    elif _GERMAN.match(raw):
        normal = raw.replace(".", "").replace(",", ".")
    else:
        raise ValidationError(_("Please enter an amount in euros, e.g. 1.234,50."))
    try:
        amount = Decimal(normal)
    except InvalidOperation as error:
        raise ValidationError(_("Please enter an amount in euros, e.g. 1.234,50.")) from error
    check_amount(amount)
    return amount


def check_amount(amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError(_("Please enter an amount in euros, e.g. 1.234,50."))
    if amount.as_tuple().exponent < -2:
        raise ValidationError(_("An amount has at most two decimal places (cents)."))
    if amount <= 0:
        raise ValidationError(_("The amount must be greater than zero."))


def euros(amount: Decimal) -> str:
    """1234.5 -> '1.234,50 €'."""
    whole, cents = f"{amount.quantize(CENT):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{cents} €"


def in_words(amount: Decimal) -> str:
    """The amount in German words, as a cash voucher writes it: 'eintausendzweihundertvierunddreißig
    Euro und fünfzig Cent'."""
    amount = amount.quantize(CENT)
    whole = int(amount)
    cents = int((amount - whole) * 100)
    text = f"{_number_word(whole)} Euro"
    if cents:
        text += f" und {_number_word(cents)} Cent"
    return text


def _number_word(number: int) -> str:
    # Before a unit German says "ein Euro", not "eins Euro" (num2words gives the counting form).
    return "ein" if number == 1 else num2words(number, lang="de")


_IBAN_PROBLEMS = {
    "InvalidChecksumDigits": gettext_lazy("the check digits do not match"),
    "InvalidBBANChecksum": gettext_lazy("the national check digit does not match"),
    "InvalidLength": gettext_lazy("it has the wrong length for its country"),
    "InvalidCountryCode": gettext_lazy("the country code is unknown"),
    "InvalidBankCode": gettext_lazy("the bank code is unknown"),
}


def checked_iban(value: str) -> IBAN:
    """The IBAN if it is well-formed, its check digits (and where the country has them, the
    national check digits) are right and it lies in the SEPA area."""
    try:
        iban = IBAN(value or "", validate_bban=True)
    except SchwiftyException as error:
        reason = _IBAN_PROBLEMS.get(type(error).__name__, _("its structure is wrong"))
        raise ValidationError(_("This IBAN is not valid: %(reason)s. Please check it.") % {"reason": reason}) from error
    if not iban.in_sepa_zone:
        raise ValidationError(_("This IBAN lies outside the SEPA area; a SEPA transfer is not possible."))
    return iban


def in_latin_letters(name: str) -> bool:
    """Banks and cash desks read names in Latin letters: a name in another script is asked for
    in its Latin transliteration (as in the passport), not silently emptied."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in name or "")


def derived_bic(iban: IBAN) -> str:
    bic = iban.bic
    return str(bic) if bic else ""


# The SEPA basic Latin character set (EPC guidance): letters, digits and / - ? : ( ) . , ' + space.
OUTSIDE_SEPA_SET = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def sepa_text(text: str, limit: int) -> str:
    """Text a bank accepts: umlauts transliterated (ä -> ae), other accents dropped, anything
    outside the SEPA set replaced by a space, cut to `limit` characters."""
    text = (text or "").translate(_GERMAN_LETTERS)
    # Accents go (é -> e); anything else outside the set becomes a space below.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = OUTSIDE_SEPA_SET.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit].rstrip()
