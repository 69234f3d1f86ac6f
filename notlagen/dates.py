"""One way to write dates and times in the interface: German by default, English when chosen.
Templates use the `when` filter (a builtin), Python code `format_when`; nothing else formats a
date for a person to read, so a format string can never again be read as format characters."""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat, timezone
from django.utils.translation import get_language

# Django date-format characters (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date).
STYLES: dict[str, dict[str, str]] = {
    "de": {
        "date": "d.m.Y",
        "datetime": "d.m.Y, H:i",
        "time": "H:i",
        "long_date": "j. F Y",
        "weekday": r"l, j. F Y, H:i \U\h\r",
        "weekday_date": "l, j. F Y",
        "seconds": "d.m.Y, H:i:s",
    },
    "en": {
        "date": "j M Y",
        "datetime": "j M Y, H:i",
        "time": "H:i",
        "long_date": "j F Y",
        "weekday": "l, j F Y, H:i",
        "weekday_date": "l, j F Y",
        "seconds": "j M Y, H:i:s",
    },
}


_DATE_STYLES = ("date", "long_date", "weekday_date")


def format_when(value, style: str = "date") -> str:
    """A date or time in the reader's language; "–" for none. Aware times in local time."""
    if value in (None, ""):
        return "–"
    styles = STYLES.get((get_language() or "de")[:2], STYLES["de"])
    pattern = styles[style]
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
    elif style not in _DATE_STYLES:
        pattern = styles["date"]  # a plain date has no time to show
    return dateformat.format(value, pattern)
