"""Hours as the pages show them: the schedule in words, the next dates (with those that do not
take place), topics, languages, how people come and the address. What the public sees is built
only from these fields — never from the hour's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from referrals.vocabulary import Language

from . import schedule
from .ical import address_of, mode_text
from .models import ConsultationHour
from .vocabulary import Topic, labels


@dataclass(frozen=True)
class HourView:
    hour: ConsultationHour
    schedule_text: str
    upcoming: list[schedule.Occurrence]
    topics: list[str]
    languages: list[str]
    mode_text: str
    address: str

    @property
    def next_dates(self) -> list[schedule.Occurrence]:
        return [occurrence for occurrence in self.upcoming if occurrence.takes_place]


def present(hours, now: datetime, *, count: int = 3) -> list[HourView]:
    """Hours with exceptions prefetched (selectors.public_hours): no query per hour."""
    return [
        HourView(
            hour=hour,
            schedule_text=schedule.describe(hour),
            upcoming=schedule.upcoming(hour, now, count=count, exceptions=list(hour.exceptions.all())),
            topics=labels(Topic, hour.topics),
            languages=labels(Language, hour.languages),
            mode_text=mode_text(hour),
            address=address_of(hour.location),
        )
        for hour in hours
    ]


def by_district(items: list[HourView]) -> list[tuple[object, list[HourView]]]:
    """Items grouped by the district of their location (in the order given; none last)."""
    ordered = sorted(items, key=lambda item: item.hour.location.district is None)
    return [
        (district, list(group)) for district, group in groupby(ordered, key=lambda item: item.hour.location.district)
    ]
