"""Reading single values of an import, as JSON (typed) or CSV (all text) delivers them. Each
reader returns the value or reports a German message through `report(message)`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from decimal import Decimal, InvalidOperation

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

from ..models import WEEKDAYS

Report = Callable[[str], None]
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_TRUE = {"true", "1", "yes", "ja", "wahr"}
_FALSE = {"false", "0", "no", "nein", "falsch"}
# RFC 5545 parts Notlagen cannot keep: its opening hours are weekly, on weekdays, every week.
_UNSUPPORTED_RULE_PARTS = ("count", "until", "byweekno", "bymonthday", "byyearday")
MAX_WAITING_DAYS = 3650


def text(obj: dict, key: str) -> str:
    value = obj.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def objects(obj: dict, key: str, report: Report) -> list[dict]:
    """The list of objects under `key` ([] when absent)."""
    value = obj.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        report(_("“%(field)s” must be a list of objects.") % {"field": key})
        return []
    return value


def boolean(value, field: str, report: Report) -> bool | None:
    """True/False; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    report(_("%(field)s: “%(value)s” is neither true nor false.") % {"field": field, "value": value})
    return None


def whole_days(value, report: Report) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_WAITING_DAYS:
        report(_("The waiting time “%(value)s” is not a number of days.") % {"value": value})
        return None
    return days


def amount(value, report: Report) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        report(_("The amount “%(value)s” is not a number.") % {"value": value})
        return None
    return number


def clock(value: str, field: str, report: Report) -> time | None:
    match = _TIME.match(value)
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
    if hour > 23 or minute > 59:
        report(_("%(field)s: “%(value)s” is not a time of day (HH:MM).") % {"field": field, "value": value or "–"})
        return None
    return time(hour, minute)


def postal_code(value: str, report: Report) -> str:
    if not _POSTAL_CODE.match(value):
        report(_("The postal code “%(value)s” is not a German postal code of five digits.") % {"value": value or "–"})
    return value


def weekly_hours(raw: dict, report: Report) -> list[tuple[str, time, time]]:
    """An HSDS schedule as (weekday, opens, closes) rows; only FREQ=WEEKLY;BYDAY=… with explicit
    times is understood, anything else is reported."""
    freq = text(raw, "freq").upper()
    byday = text(raw, "byday").upper().replace(" ", "")
    interval = text(raw, "interval")
    if freq != "WEEKLY" or not byday or interval not in ("", "1") or any(text(raw, k) for k in _UNSUPPORTED_RULE_PARTS):
        report(_("Only weekly opening hours on weekdays can be imported (freq WEEKLY with byday and times)."))
        return []
    days = byday.split(",")
    try:
        rrulestr(f"FREQ=WEEKLY;BYDAY={byday}")
    except (ValueError, TypeError):
        days = []
    if not days or any(day not in WEEKDAYS for day in days):
        report(_("“%(value)s” are not weekdays (MO, TU, WE, TH, FR, SA, SU).") % {"value": byday})
        return []
    opens = clock(text(raw, "opens_at"), "opens_at", report)
    closes = clock(text(raw, "closes_at"), "closes_at", report)
    if opens is None or closes is None:
        return []
    if closes <= opens:
        report(
            _("The opening hours close at %(closes)s, not after they open at %(opens)s.")
            % {"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}
        )
        return []
    return [(day, opens, closes) for day in dict.fromkeys(days)]
