"""Opening hours as a desk writes them, in German: "Mo–Fr 09:00–12:00; Di, Do 14:00–18:00".

`parse_hours` turns such a text into weekly openings (RFC 5545 weekday code, opens, closes), one
Schedule row each; `format_hours` writes rows back as the same compact text, so the edit form
shows what was saved. `is_open_at` and `offers_open_at` answer "open now" in local time
(Europe/Berlin): a weekday's opening counts from `opens_at` up to, not including, `closes_at`.

The day names are German on purpose: the text is the directory's German notation, typed and
printed as it is; parsing a translated notation would make the saved text depend on the UI."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import WEEKDAYS, Schedule

Opening = tuple[str, time, time]

# German day names, the two-letter form first (it is the one we write).
DAY_NAMES = {
    "MO": ("mo", "montag", "montags"),
    "TU": ("di", "dienstag", "dienstags"),
    "WE": ("mi", "mittwoch", "mittwochs"),
    "TH": ("do", "donnerstag", "donnerstags"),
    "FR": ("fr", "freitag", "freitags"),
    "SA": ("sa", "samstag", "samstags", "sonnabend"),
    "SU": ("so", "sonntag", "sonntags"),
}
_DAY_BY_NAME = {name: code for code, names in DAY_NAMES.items() for name in names}
_SHORT = {code: names[0].capitalize() for code, names in DAY_NAMES.items()}
_EVERY_DAY = ("täglich", "taeglich")

_DASH = r"\s*(?:-|–|—|bis)\s*"
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = re.compile(rf"^{_TIME}(?:\s*uhr)?{_DASH}{_TIME}(?:\s*uhr)?$", re.IGNORECASE)
_DAY_RANGE = re.compile(rf"^(\S+?){_DASH}(\S+)$", re.IGNORECASE)
_LIST = re.compile(r"\s*(?:,|/|\bund\b|&)\s*", re.IGNORECASE)
_SEGMENTS = re.compile(r"[;\n]+")


def parse_hours(text: str) -> list[Opening]:
    """The weekly openings a text names, ordered by weekday and time. An empty text is no
    opening hours at all. Raises ValidationError with a German message naming the bad part."""
    openings: list[Opening] = []
    for segment in _SEGMENTS.split(text or ""):
        segment = " ".join(segment.split()).strip(" ,.")
        if segment:
            openings.extend(_parse_segment(segment))
    check_openings(openings)
    return sorted(set(openings), key=_order)


def _parse_segment(segment: str) -> list[Opening]:
    first_digit = re.search(r"\d", segment)
    if first_digit is None:
        raise ValidationError(
            _("“%(part)s”: please add the times, e.g. Mo–Fr 09:00–12:00.") % {"part": segment}, code="no_times"
        )
    days_text = segment[: first_digit.start()].strip().rstrip(":").strip()
    if not days_text:
        raise ValidationError(
            _("“%(part)s”: please name the weekdays first, e.g. Mo–Fr 09:00–12:00.") % {"part": segment},
            code="no_days",
        )
    days = _parse_days(days_text)
    times_text = re.sub(r"\buhr\b", "", segment[first_digit.start() :], flags=re.IGNORECASE).strip()
    ranges = [_parse_range(part) for part in _LIST.split(times_text) if part.strip()]
    return [(day, opens, closes) for day in days for opens, closes in ranges]


def _parse_days(text: str) -> list[str]:
    if text.lower() in _EVERY_DAY:
        return list(WEEKDAYS)
    days: list[str] = []
    for part in _LIST.split(text):
        part = part.strip()
        if not part:
            continue
        match = _DAY_RANGE.match(part)
        if match:
            first, last = WEEKDAYS.index(_day(match[1])), WEEKDAYS.index(_day(match[2]))
            span = (last - first) % len(WEEKDAYS)  # "Fr–Mo" runs over the weekend
            days.extend(WEEKDAYS[(first + step) % len(WEEKDAYS)] for step in range(span + 1))
        else:
            days.append(_day(part))
    return list(dict.fromkeys(days))


def _day(name: str) -> str:
    code = _DAY_BY_NAME.get(name.strip().rstrip(".").lower())
    if code is None:
        raise ValidationError(
            _("“%(part)s” is not a weekday. Please use Mo, Di, Mi, Do, Fr, Sa or So.") % {"part": name.strip()},
            code="weekday",
        )
    return code


def _parse_range(text: str) -> tuple[time, time]:
    text = text.strip()
    match = _RANGE.match(text)
    if match is None:
        raise ValidationError(
            _("“%(part)s” is not a time span. Please write it like 09:00–12:00.") % {"part": text}, code="range"
        )
    opens = _time(match[1], match[2], text)
    closes = _time(match[3], match[4], text)
    if closes <= opens:
        raise ValidationError(
            _("“%(part)s”: the end must lie after the start (on the same day).") % {"part": text}, code="order"
        )
    return opens, closes


def _time(hours: str, minutes: str | None, part: str) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 23 or minute > 59:
        raise ValidationError(_("“%(part)s”: there is no such time of day.") % {"part": part}, code="time")
    return time(hour, minute)


def check_openings(openings: Iterable[Opening]) -> None:
    """Every opening is a known weekday with its end after its start, and no two openings of
    one day overlap (ValidationError otherwise)."""
    by_day: dict[str, list[tuple[time, time]]] = {}
    for day, opens, closes in openings:
        if day not in WEEKDAYS:
            raise ValidationError(_("“%(part)s” is not a weekday.") % {"part": day}, code="weekday")
        if closes <= opens:
            span = f"{opens:%H:%M}–{closes:%H:%M}"
            raise ValidationError(
                _("“%(part)s”: the end must lie after the start (on the same day).") % {"part": span}, code="order"
            )
        by_day.setdefault(day, []).append((opens, closes))
    for day, spans in by_day.items():
        spans.sort()
        for (_opens, earlier_closes), (later_opens, later_closes) in zip(spans, spans[1:], strict=False):
            if later_opens < earlier_closes:
                part = f"{_SHORT[day]} {later_opens:%H:%M}–{later_closes:%H:%M}"
                raise ValidationError(
                    _("“%(part)s” overlaps other opening hours of the same day.") % {"part": part}, code="overlap"
                )


def _order(opening: Opening):
    return WEEKDAYS.index(opening[0]), opening[1], opening[2]


def _as_opening(schedule) -> Opening:
    if isinstance(schedule, tuple):
        return schedule
    return schedule.weekday, schedule.opens_at, schedule.closes_at


def format_hours(schedules: Iterable) -> str:
    """Schedule rows (or opening tuples) as compact German text: the days that share a time span
    are named together ("Mo–Fr 09:00–12:00; Di, Do 14:00–18:00"); parse_hours reads it back."""
    days_of_span: dict[tuple[time, time], set[str]] = {}
    for day, opens, closes in map(_as_opening, schedules):
        days_of_span.setdefault((opens, closes), set()).add(day)
    spans_of_days: dict[frozenset[str], list[tuple[time, time]]] = {}
    for span, days in days_of_span.items():
        spans_of_days.setdefault(frozenset(days), []).append(span)
    groups = sorted(spans_of_days.items(), key=lambda item: (min(WEEKDAYS.index(d) for d in item[0]), min(item[1])))
    return "; ".join(
        f"{format_days(days)} {', '.join(f'{o:%H:%M}–{c:%H:%M}' for o, c in sorted(spans))}" for days, spans in groups
    )


def format_days(days: Iterable[str]) -> str:
    """Weekday codes as German text: three or more days in a row as a range ("Mo–Fr")."""
    indices = sorted({WEEKDAYS.index(day) for day in days})
    runs: list[list[int]] = []
    for index in indices:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        names = [_SHORT[WEEKDAYS[i]] for i in run]
        parts.append(f"{names[0]}–{names[-1]}" if len(run) >= 3 else ", ".join(names))
    return ", ".join(parts)


def _local(moment: datetime | None) -> datetime:
    moment = moment or timezone.now()
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def is_open_at(schedules: Iterable, moment: datetime | None = None) -> bool:
    """Is any of these openings open at `moment` (now if None), in local time?"""
    local = _local(moment)
    day, now = WEEKDAYS[local.weekday()], local.time()
    return any(d == day and opens <= now < closes for d, opens, closes in map(_as_opening, schedules))


def open_at_q(moment: datetime | None = None, prefix: str = "locations__schedules__") -> Q:
    """The condition "a schedule open at `moment`" on a related Schedule (joins; use with
    distinct(), or use offers_open_at)."""
    local = _local(moment)
    return Q(
        **{
            f"{prefix}weekday": WEEKDAYS[local.weekday()],
            f"{prefix}opens_at__lte": local.time(),
            f"{prefix}closes_at__gt": local.time(),
        }
    )


def offers_open_at(queryset, moment: datetime | None = None):
    """The offers of `queryset` with a location open at `moment` (an EXISTS: no duplicates)."""
    open_schedules = Schedule.objects.filter(open_at_q(moment, prefix=""), location__offer=OuterRef("pk"))
    return queryset.filter(Exists(open_schedules))
