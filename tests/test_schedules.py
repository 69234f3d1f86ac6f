"""Opening hours as German text: parsed into weekly openings, written back compactly, and the
"open now" answer in Europe/Berlin time (also across the change to summer time)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from referrals.models import Offer, OfferLocation, Provider, Schedule
from referrals.schedules import (
    check_openings,
    format_days,
    format_hours,
    is_open_at,
    offers_open_at,
    open_at_q,
    parse_hours,
)

BERLIN = ZoneInfo("Europe/Berlin")


def t(text: str) -> time:
    return time.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mo 09:00–12:00", [("MO", "09:00", "12:00")]),
        ("Mo-Mi 9-12", [("MO", "09:00", "12:00"), ("TU", "09:00", "12:00"), ("WE", "09:00", "12:00")]),
        ("Mo, Mi 9:00-12:30 Uhr", [("MO", "09:00", "12:30"), ("WE", "09:00", "12:30")]),
        ("Di 9 Uhr - 12 Uhr", [("TU", "09:00", "12:00")]),
        ("Do: 14.30 bis 18.00", [("TH", "14:30", "18:00")]),
        ("Montag bis Mittwoch 8–9", [("MO", "08:00", "09:00"), ("TU", "08:00", "09:00"), ("WE", "08:00", "09:00")]),
        ("Fr 9–12, 13–15", [("FR", "09:00", "12:00"), ("FR", "13:00", "15:00")]),
        ("Sa–Mo 10–11", [("MO", "10:00", "11:00"), ("SA", "10:00", "11:00"), ("SU", "10:00", "11:00")]),
        ("Mo. und Do. 10–11", [("MO", "10:00", "11:00"), ("TH", "10:00", "11:00")]),
        ("", []),
        ("  ;  ", []),
    ],
)
def test_good_texts_parse(text, expected):
    assert parse_hours(text) == [(day, t(opens), t(closes)) for day, opens, closes in expected]


def test_the_example_of_the_issue_parses_and_formats_back():
    text = "Mo–Fr 09:00–12:00; Di, Do 14:00–18:00"
    openings = parse_hours(text)
    assert len(openings) == 7
    assert ("TU", t("14:00"), t("18:00")) in openings and ("SA", t("09:00"), t("12:00")) not in openings
    assert format_hours(openings) == text
    assert parse_hours("mo-fr 9-12\nDI,DO 14-18") == openings


def test_every_day():
    assert [day for day, *_ in parse_hours("täglich 8-20")] == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.mark.parametrize(
    ("text", "code", "part"),
    [
        ("Xy 9-12", "weekday", "Xy"),
        ("Mo–Fx 9-12", "weekday", "Fx"),
        ("Mo 9-", "range", "9-"),
        ("Mo 9-12; Di nach Vereinbarung 10-11", "weekday", "Di nach Vereinbarung"),
        ("Mo 9–12 und abends", "range", "abends"),
        ("Mo 25-26", "time", "25-26"),
        ("Mo 9:75-10", "time", "9:75-10"),
        ("Mo 18-9", "order", "18-9"),
        ("Mo 9-9", "order", "9-9"),
        ("9-12", "no_days", "9-12"),
        ("Mo–Fr", "no_times", "Mo–Fr"),
        ("Mo–Fr 9–12; Mo 11–13", "overlap", "Mo 11:00–13:00"),
    ],
)
def test_bad_texts_are_refused_naming_the_bad_part(text, code, part):
    with pytest.raises(ValidationError) as error:
        parse_hours(text)
    assert error.value.code == code
    message = error.value.messages[0]
    assert f"„{part}“" in message or f"“{part}”" in message, message


def test_the_messages_are_german():
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as error:
        parse_hours("Xy 9-12")
    expected = translation.gettext("“%(part)s” is not a weekday. Please use Mo, Di, Mi, Do, Fr, Sa or So.")
    assert error.value.messages == [expected % {"part": "Xy"}]


def test_openings_from_other_channels_are_checked_too():
    with pytest.raises(ValidationError):
        check_openings([("XX", t("09:00"), t("10:00"))])
    with pytest.raises(ValidationError):
        check_openings([("MO", t("10:00"), t("09:00"))])
    check_openings([("MO", t("09:00"), t("10:00")), ("MO", t("10:00"), t("11:00"))])  # touching is fine


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (["MO", "TU", "WE", "TH", "FR"], "Mo–Fr"),
        (["MO", "TU"], "Mo, Di"),
        (["MO", "WE", "FR"], "Mo, Mi, Fr"),
        (["MO", "TU", "WE", "FR", "SA", "SU"], "Mo–Mi, Fr–So"),
        (["SU", "MO"], "Mo, So"),
    ],
)
def test_days_are_written_compactly(days, text):
    assert format_days(days) == text


def test_format_groups_days_with_equal_hours_and_round_trips():
    text = "Mo–Fr 09:00–12:00, 13:00–15:00; Sa 10:00–12:00"
    assert format_hours(parse_hours(text)) == text
    assert format_hours([]) == ""
    mixed = parse_hours("Mo 8-10; Di 9-12; Mi 8-10")
    assert format_hours(mixed) == "Mo, Mi 08:00–10:00; Di 09:00–12:00"
    assert parse_hours(format_hours(mixed)) == mixed


def test_is_open_at_in_local_time():
    openings = parse_hours("Mo–Fr 09:00–12:00")
    # Monday 6 January 2025: 08:30 UTC is 09:30 in Berlin (winter time).
    assert is_open_at(openings, datetime(2025, 1, 6, 8, 30, tzinfo=ZoneInfo("UTC")))
    assert not is_open_at(openings, datetime(2025, 1, 6, 7, 30, tzinfo=ZoneInfo("UTC")))  # 08:30 local
    assert not is_open_at(openings, datetime(2025, 1, 6, 12, 0, tzinfo=BERLIN))  # closes at 12:00
    assert is_open_at(openings, datetime(2025, 1, 6, 11, 59, tzinfo=BERLIN))
    assert not is_open_at(openings, datetime(2025, 1, 4, 10, 0, tzinfo=BERLIN))  # Saturday
    # Summer time: 07:30 UTC is 09:30 in Berlin.
    assert is_open_at(openings, datetime(2025, 7, 7, 7, 30, tzinfo=ZoneInfo("UTC")))


def test_is_open_now_with_the_clock_moved():
    openings = parse_hours("Di 14-18")
    with time_machine.travel(datetime(2025, 3, 4, 15, 0, tzinfo=BERLIN), tick=False):
        assert is_open_at(openings)
    with time_machine.travel(datetime(2025, 3, 4, 18, 0, tzinfo=BERLIN), tick=False):
        assert not is_open_at(openings)


def test_open_at_q_names_the_related_schedule():
    condition = open_at_q(datetime(2025, 1, 6, 10, 0, tzinfo=BERLIN))
    assert dict(condition.children) == {
        "locations__schedules__weekday": "MO",
        "locations__schedules__opens_at__lte": t("10:00"),
        "locations__schedules__closes_at__gt": t("10:00"),
    }


def _offer_with_hours(name: str, text: str, locations: int = 1) -> Offer:
    provider = Provider.objects.get_or_create(name="Träger")[0]
    offer = Offer.objects.create(provider=provider, name=name, category="debt")
    for number in range(locations):
        location = OfferLocation.objects.create(
            offer=offer, street=f"Weg {number}", postal_code="30159", city="Hannover"
        )
        Schedule.objects.bulk_create(
            Schedule(location=location, weekday=day, opens_at=opens, closes_at=closes)
            for day, opens, closes in parse_hours(text)
        )
    return offer


@pytest.mark.django_db
def test_offers_open_now_on_the_database_once_each():
    morning = _offer_with_hours("Vormittags", "Mo–Fr 9–12", locations=2)
    afternoon = _offer_with_hours("Nachmittags", "Di, Do 14–18")
    _offer_with_hours("Ohne Zeiten", "")
    with time_machine.travel(datetime(2025, 3, 4, 10, 0, tzinfo=BERLIN), tick=False):  # Tuesday
        assert list(offers_open_at(Offer.objects.all())) == [morning]
    with time_machine.travel(datetime(2025, 3, 4, 15, 0, tzinfo=BERLIN), tick=False):
        assert list(offers_open_at(Offer.objects.all())) == [afternoon]
    with time_machine.travel(datetime(2025, 3, 8, 10, 0, tzinfo=BERLIN), tick=False):  # Saturday
        assert list(offers_open_at(Offer.objects.all())) == []
    # The joined form finds the same offers (distinct: the morning offer has two locations).
    at = datetime(2025, 3, 4, 10, 0, tzinfo=BERLIN)
    assert list(Offer.objects.filter(open_at_q(at)).distinct()) == [morning]
