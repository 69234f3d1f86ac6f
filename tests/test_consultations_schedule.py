"""When a consultation hour takes place: the weekly rule from the form, occurrences minus
exceptions and the state's public holidays, every two weeks, a last day, slots."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError

from consultations import schedule
from consultations.models import ConsultationException, ConsultationHour

from .consultations_world import BERLIN


def _hour(**fields) -> ConsultationHour:
    values = {
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "starts_on": date(2027, 3, 1),
        "ends_on": None,
        "start_time": time(10),
        "end_time": time(12),
        "holiday_region": "",
        "slot_minutes": None,
    }
    values.update(fields)
    return ConsultationHour(**values)


def _dates(hour, first, last, exceptions=()):
    return [o.date for o in schedule.occurrences(hour, first, last, exceptions) if o.takes_place]


def test_the_form_writes_and_reads_weekly_rules():
    assert schedule.build_rule(["TH", "TU"], 1) == "FREQ=WEEKLY;BYDAY=TU,TH"
    assert schedule.build_rule(["MO"], 2) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    assert schedule.parse_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO") == (["MO"], 2)
    assert schedule.parse_rule("freq=weekly;byday=we,mo") == (["MO", "WE"], 1)
    for other in (
        "FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;COUNT=3;BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=9;BYDAY=MO",
        "",
    ):
        assert schedule.parse_rule(other) is None, other
    with pytest.raises(ValidationError):
        schedule.check_rule("FREQ=HOURLY;BYDAY=MO")


def test_weekly_dates_skip_exceptions():
    hour = _hour()
    cancelled = ConsultationException(date=date(2027, 3, 9), kind="cancelled", note="Fortbildung")
    found = schedule.occurrences(hour, date(2027, 3, 1), date(2027, 3, 31), [cancelled])
    assert [o.date for o in found] == [date(2027, 3, d) for d in (2, 9, 16, 23, 30)]
    assert [o.date for o in found if not o.takes_place] == [date(2027, 3, 9)]
    assert found[1].status == schedule.CANCELLED and found[1].note == "Fortbildung"


def test_every_two_weeks_counts_from_the_first_day():
    hour = _hour(rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")
    assert _dates(hour, date(2027, 3, 1), date(2027, 3, 31)) == [
        date(2027, 3, 2),
        date(2027, 3, 4),
        date(2027, 3, 16),
        date(2027, 3, 18),
        date(2027, 3, 30),
    ]


def test_nothing_after_the_last_day_or_before_the_first():
    hour = _hour(starts_on=date(2027, 3, 5), ends_on=date(2027, 3, 23))
    assert _dates(hour, date(2027, 1, 1), date(2027, 12, 31)) == [
        date(2027, 3, 9),
        date(2027, 3, 16),
        date(2027, 3, 23),
    ]
    assert schedule.first_occurrence(hour) == datetime(2027, 3, 9, 10, tzinfo=BERLIN)


def test_the_states_public_holidays_are_skipped_without_being_entered():
    # Corpus Christi, Thursday 27 May 2027: a holiday in Hesse, not in Lower Saxony.
    thursday = "FREQ=WEEKLY;BYDAY=TH"
    hesse = _hour(rrule=thursday, holiday_region="HE")
    lower_saxony = _hour(rrule=thursday, holiday_region="NI")
    may = (date(2027, 5, 20), date(2027, 5, 31))
    assert _dates(hesse, *may) == [date(2027, 5, 20)]
    assert _dates(lower_saxony, *may) == [date(2027, 5, 20), date(2027, 5, 27)]
    holiday = schedule.occurrence_on(hesse, date(2027, 5, 27), [])
    assert holiday.status == schedule.HOLIDAY and holiday.note
    # Without a state, nothing is skipped by itself.
    assert _dates(_hour(rrule=thursday), *may) == [date(2027, 5, 20), date(2027, 5, 27)]


def test_local_time_stays_across_the_daylight_saving_change():
    hour = _hour()
    before, after = schedule.occurrences(hour, date(2027, 3, 23), date(2027, 3, 30), [])
    assert (before.starts.hour, after.starts.hour) == (10, 10)
    assert before.starts.utcoffset().total_seconds() == 3600
    assert after.starts.utcoffset().total_seconds() == 7200


def test_upcoming_dates_show_cancellations_before_the_next_dates():
    hour = _hour()
    cancelled = [ConsultationException(date=date(2027, 3, 9), kind="cancelled")]
    now = datetime(2027, 3, 2, 12, 30, tzinfo=BERLIN)  # today's hour is over
    found = schedule.upcoming(hour, now, count=2, exceptions=cancelled)
    assert [(o.date, o.takes_place) for o in found] == [
        (date(2027, 3, 9), False),
        (date(2027, 3, 16), True),
        (date(2027, 3, 23), True),
    ]


def test_slots_fit_between_beginning_and_end():
    hour = _hour(start_time=time(14), end_time=time(15, 10), slot_minutes=20)
    assert schedule.slots(hour) == [(time(14), time(14, 20)), (time(14, 20), time(14, 40)), (time(14, 40), time(15))]
    assert schedule.slots(_hour()) == []


def test_the_rule_reads_as_words():
    assert (
        schedule.describe(_hour(rrule="FREQ=WEEKLY;BYDAY=TU,TH")) == "Jede Woche: Dienstag, Donnerstag, 10:00–12:00 Uhr"
    )
    assert schedule.describe(_hour(rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")).startswith("Alle 2 Wochen: Montag")
