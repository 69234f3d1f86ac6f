"""Writes of consultation hours: an hour with its schedule, its exceptions. Each service asks
the access layer itself: an agency's team leads and administrators keep its hours
(CONSULTATION_MANAGE in the hour's agency). Hours carry no personal data of clients, so no
access-log entry is written; `updated_by` records who changed an hour.

Bookings and contacts, which may be linked to a case, are in consultations.work."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decide import require_in
from access.rules import Action
from referrals.vocabulary import Language

from . import schedule
from .models import ConsultationException, ConsultationHour
from .selectors import colleagues_for, locations_for
from .vocabulary import ExceptionKind, HolidayRegion, Mode, Topic

HOUR_FIELDS = (
    "location",
    "title",
    "topics",
    "languages",
    "mode",
    "slot_minutes",
    "rrule",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "holiday_region",
    "public_note",
    "is_active",
)
MIN_SLOT, MAX_SLOT = 5, 240


class HourChangedError(Exception):
    """The hour changed since the form was loaded; carries the current state."""

    def __init__(self, current: ConsultationHour):
        super().__init__("The consultation hour was changed by someone else.")
        self.current = current


@transaction.atomic
def hour_save(*, actor, agency, hour: ConsultationHour | None = None, version: int | None = None, data: dict):
    """Create (hour=None) or change a consultation hour of `agency`. `data`: HOUR_FIELDS and
    `staff` (users). The whole hour is checked first; nothing is saved if anything is wrong."""
    require_in(actor, Action.CONSULTATION_MANAGE, agency)
    if hour is not None and hour.agency_id != agency.pk:
        require_in(actor, Action.CONSULTATION_MANAGE, hour.agency)
    fields = _checked(agency, data)
    staff = fields.pop("staff")
    if hour is None:
        hour = ConsultationHour.objects.create(agency=agency, updated_by=actor, **fields)
    else:
        changed = ConsultationHour.objects.filter(pk=hour.pk, version=version).update(
            agency=agency, updated_by=actor, updated_at=timezone.now(), version=F("version") + 1, **fields
        )
        if not changed:
            raise HourChangedError(ConsultationHour.objects.get(pk=hour.pk))
        hour = ConsultationHour.objects.get(pk=hour.pk)
    hour.staff.set(staff)
    return hour


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _checked(agency, data: dict) -> dict:
    """The hour's fields, cleaned, or a ValidationError with a German message per field."""
    errors: dict[str, str] = {}
    fields = {
        "title": _text(data.get("title"), 120),
        "public_note": _text(data.get("public_note"), 300),
        "topics": [code for code in Topic.values if code in set(data.get("topics") or [])],
        "languages": [code for code in Language.values if code in set(data.get("languages") or [])],
        "mode": data.get("mode") or Mode.WALK_IN,
        "slot_minutes": data.get("slot_minutes"),
        "holiday_region": data.get("holiday_region") or "",
        "is_active": bool(data.get("is_active", True)),
        "location": data.get("location"),
    }
    if not fields["title"]:
        errors["title"] = _("Please give the consultation hour a title.")
    if not fields["topics"] or set(data.get("topics") or []) - set(Topic.values):
        errors["topics"] = _("Please choose at least one topic from the list.")
    if not fields["languages"] or set(data.get("languages") or []) - set(Language.values):
        errors["languages"] = _("Please choose at least one language from the list.")
    if fields["holiday_region"] not in ["", *HolidayRegion.values]:
        errors["holiday_region"] = _("Please choose a state from the list.")
    if fields["location"] is None or not locations_for([agency]).filter(pk=fields["location"].pk).exists():
        errors["location"] = _("Please choose a location of your agency or of one of its neighbourhood offices.")
    _check_times(data, fields, errors)
    _check_mode(fields, errors)
    staff = list(data.get("staff") or [])
    allowed = set(colleagues_for([agency]).values_list("pk", flat=True))
    if {user.pk for user in staff} - allowed:
        errors["staff"] = _("Please choose colleagues of the agency.")
    fields["staff"] = staff
    if errors:
        raise ValidationError(errors)
    return fields


def _check_times(data: dict, fields: dict, errors: dict) -> None:
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    start_time, end_time = data.get("start_time"), data.get("end_time")
    fields.update(starts_on=starts_on, ends_on=ends_on, start_time=start_time, end_time=end_time)
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not schedule.EARLIEST <= day <= schedule.LATEST:
            errors[name] = _("Please enter a date between 2000 and 2100.")
    if starts_on is None:
        errors.setdefault("starts_on", _("Please enter the first day."))
    if start_time is None:
        errors["start_time"] = _("Please enter when the hour begins.")
    if end_time is None:
        errors["end_time"] = _("Please enter when the hour ends.")
    elif start_time is not None and end_time <= start_time:
        errors["end_time"] = _("The end must lie after the beginning (on the same day).")
    if starts_on and ends_on and ends_on < starts_on and "ends_on" not in errors:
        errors["ends_on"] = _("The last day must not lie before the first day.")
    try:
        fields["rrule"] = schedule.check_rule(data.get("rrule") or "")
    except ValidationError as error:
        errors["rrule"] = error.messages[0]
        return
    if errors:
        return
    probe = ConsultationHour(rrule=fields["rrule"], starts_on=starts_on, ends_on=ends_on, start_time=start_time)
    if schedule.first_occurrence(probe) is None:
        errors["rrule"] = _("None of the chosen weekdays falls between the first and the last day.")


def _check_mode(fields: dict, errors: dict) -> None:
    if fields["mode"] not in Mode.values:
        errors["mode"] = _("Please choose how people come.")
        return
    if fields["mode"] == Mode.WALK_IN:
        fields["slot_minutes"] = None
        return
    minutes = fields["slot_minutes"]
    if minutes is None or not MIN_SLOT <= minutes <= MAX_SLOT:
        errors["slot_minutes"] = _("Please enter the length of an appointment: 5 to 240 minutes.")
    elif "end_time" not in errors and fields["start_time"] and fields["end_time"]:
        probe = ConsultationHour(start_time=fields["start_time"], end_time=fields["end_time"], slot_minutes=minutes)
        if not schedule.slots(probe):
            errors["slot_minutes"] = _("An appointment must fit between the beginning and the end of the hour.")


@transaction.atomic
def exception_add(*, actor, hour: ConsultationHour, date, kind: str, note: str = "") -> ConsultationException:
    """Enter a date on which the hour does not take place."""
    require_in(actor, Action.CONSULTATION_MANAGE, hour.agency)
    if kind not in ExceptionKind.values:
        raise ValidationError({"kind": _("Please choose why the hour does not take place.")})
    if date is None or not schedule.EARLIEST <= date <= schedule.LATEST:
        raise ValidationError({"date": _("Please enter a date between 2000 and 2100.")})
    if schedule.occurrence_on(hour, date, exceptions=[]) is None:
        raise ValidationError({"date": _("The consultation hour does not take place on that day anyway.")})
    try:
        with transaction.atomic():
            return ConsultationException.objects.create(
                hour=hour, date=date, kind=kind, note=_text(note, 200), created_by=actor
            )
    except IntegrityError:
        raise ValidationError({"date": _("An exception has already been entered for that day.")}) from None


@transaction.atomic
def exception_remove(*, actor, hour: ConsultationHour, exception_id: int) -> None:
    require_in(actor, Action.CONSULTATION_MANAGE, hour.agency)
    removed, _details = ConsultationException.objects.filter(hour=hour, pk=exception_id).delete()
    if not removed:
        raise ValidationError(_("This exception no longer exists."))
