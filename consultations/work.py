"""The work in a consultation hour: booking a slot and recording a contact.

Both are for the staff of the hour's agency (CONSULTATION_CONTACT in that agency) and anonymous
by default. Either may be linked to a case by its case number; that is case work, so the link
needs CONSULTATION_CONTACT_LINK on the case, through the hour's agency, and is logged like every
case read. A case the person may not see answers exactly like a number that does not exist."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events
from access.case_access import CaseAccess, case_access
from access.decide import require_in
from access.errors import NotFound
from access.rules import Action
from agencies.models import District
from cases.models import Case
from referrals.models import Offer

from . import schedule
from .models import ConsultationBooking, ConsultationContact, ConsultationHour
from .vocabulary import ApplicationKind, Mode, Outcome, Topic

MAX_REFERENCE = 30


def unknown_case() -> ValidationError:
    return ValidationError({"case_reference": _("No case with this number was found.")})


def linked_case(*, actor, hour: ConsultationHour, reference: str) -> CaseAccess | None:
    """The case a number names, if the actor may link work in this hour to it (through the
    hour's agency); None for no number. Else the same error as for an unknown number; a case
    that exists but may not be linked is logged as a refusal."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    case_id = Case.objects.filter(reference=reference[:MAX_REFERENCE]).values_list("pk", flat=True).first()
    if case_id is None:
        raise unknown_case()
    try:
        access = case_access(user=actor, case_id=case_id, action=Action.CONSULTATION_CONTACT_LINK, report=False)
    except NotFound:
        raise unknown_case() from None
    # Rights never combine across agencies: the link must be allowed through the hour's agency.
    held = {hour.agency_id: access.agency_permissions.get(hour.agency_id, frozenset())}
    through_hour = CaseAccess(actor, access.case, held, access.explaining_grants)
    if not through_hour.allows(Action.CONSULTATION_CONTACT_LINK):
        events.denied(actor=actor, object_type="case", object_id=case_id, action="create", case_id=case_id)
        raise unknown_case()
    through_hour.report(action="view", object_type="case", object_ids=[case_id], agency_id=hour.agency_id)
    return through_hour


def _on_a_date_of_the_hour(hour: ConsultationHour, day: date | None, field: str = "date") -> schedule.Occurrence:
    if day is None or not schedule.EARLIEST <= day <= schedule.LATEST:
        raise ValidationError({field: _("Please enter a date between 2000 and 2100.")})
    occurrence = schedule.occurrence_on(hour, day)
    if occurrence is None or not occurrence.takes_place:
        raise ValidationError({field: _("The consultation hour does not take place on that day.")})
    return occurrence


def booking_add(
    *, actor, hour: ConsultationHour, day: date | None, starts_at: time | None, label: str = "", case_reference=""
) -> ConsultationBooking:
    """Reserve a slot of an hour with appointments. The hour's row is locked, so two people
    booking the same slot at once cannot both succeed. The case is resolved first, outside the
    transaction, so a refusal stays in the log whatever channel calls."""
    require_in(actor, Action.CONSULTATION_CONTACT, hour.agency)
    access = linked_case(actor=actor, hour=hour, reference=case_reference)
    with transaction.atomic():
        hour = ConsultationHour.objects.select_for_update().get(pk=hour.pk)
        slot = _free_slot(hour, day, starts_at)
        try:
            with transaction.atomic():
                booking = ConsultationBooking.objects.create(
                    hour=hour,
                    date=day,
                    starts_at=slot[0],
                    ends_at=slot[1],
                    label=" ".join(str(label or "").split())[:60],
                    case=access.case if access else None,
                    booked_by=actor,
                )
        except IntegrityError:
            raise ValidationError({"starts_at": _("This time is already booked. Please choose another one.")}) from None
        if access is not None:
            access.report(action="create", object_type="consultation_booking", object_ids=[booking.pk])
    return booking


def _free_slot(hour: ConsultationHour, day: date | None, starts_at: time | None) -> tuple[time, time]:
    if hour.mode != Mode.SLOTS:
        raise ValidationError(_("This consultation hour is open without appointments; there is nothing to book."))
    _on_a_date_of_the_hour(hour, day)
    if day < timezone.localdate():
        raise ValidationError({"date": _("Please choose a date that has not passed.")})
    slot = next(((start, end) for start, end in schedule.slots(hour) if start == starts_at), None)
    if slot is None:
        raise ValidationError({"starts_at": _("Please choose one of the hour's appointment times.")})
    if hour.bookings.filter(date=day, starts_at__lt=slot[1], ends_at__gt=slot[0]).exists():
        raise ValidationError({"starts_at": _("This time is already booked. Please choose another one.")})
    return slot


@transaction.atomic
def booking_cancel(*, actor, hour: ConsultationHour, booking_id: int) -> None:
    require_in(actor, Action.CONSULTATION_CONTACT, hour.agency)
    removed, _details = hour.bookings.filter(pk=booking_id).delete()
    if not removed:
        raise ValidationError(_("This booking no longer exists."))


def contact_record(*, actor, hour: ConsultationHour, data: dict, case_reference: str = "") -> ConsultationContact:
    """Record one contact, anonymous unless linked to a case. `data`: date, topic, district,
    first_contact, outcome, offer, application_kind. Everything is checked (and the case
    resolved, its refusal logged) before the one write."""
    require_in(actor, Action.CONSULTATION_CONTACT, hour.agency)
    fields = _contact_fields(hour, data)
    access = linked_case(actor=actor, hour=hour, reference=case_reference)
    with transaction.atomic():
        contact = ConsultationContact.objects.create(
            hour=hour,
            agency_id=hour.agency_id,
            location_id=hour.location_id,
            recorded_by=actor,
            case=access.case if access else None,
            **fields,
        )
        if access is not None:
            access.report(action="create", object_type="consultation_contact", object_ids=[contact.pk])
    return contact


def _contact_fields(hour: ConsultationHour, data: dict) -> dict:
    errors: dict[str, str] = {}
    day = data.get("date")
    try:
        _on_a_date_of_the_hour(hour, day)
    except ValidationError as error:
        errors.update({name: messages[0] for name, messages in error.message_dict.items()})
    else:
        if day > timezone.localdate():
            errors["date"] = _("A contact cannot be recorded in advance.")
    outcome, offer, kind = data.get("outcome"), data.get("offer"), data.get("application_kind") or ""
    if data.get("topic") not in Topic.values:
        errors["topic"] = _("Please choose the topic.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Please choose what came of the contact.")
    if data.get("first_contact") not in (True, False):
        errors["first_contact"] = _("Please say whether this was the first contact.")
    district = data.get("district")
    if district is not None and not isinstance(district, District):
        errors["district"] = _("Please choose a district from the list.")
    if offer is not None and (outcome != Outcome.REFERRED or not isinstance(offer, Offer) or not offer.is_active):
        errors["offer"] = _("A help offer is named only for a referral; please choose an active one.")
    if kind and (outcome != Outcome.APPLICATION_STARTED or kind not in ApplicationKind.values):
        errors["application_kind"] = _("The kind of application is named only when an application was started.")
    if errors:
        raise ValidationError(errors)
    return {
        "date": day,
        "topic": data["topic"],
        "district": district,
        "first_contact": data["first_contact"],
        "outcome": outcome,
        "offer": offer,
        "application_kind": kind,
    }


def bookable_dates(hour: ConsultationHour, *, now: datetime | None = None, weeks: int = 8) -> list[date]:
    """The coming dates of an hour with appointments on which slots can be booked."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    found = schedule.occurrences(hour, today, today + timedelta(weeks=weeks))
    return [occurrence.date for occurrence in found if occurrence.takes_place and occurrence.ends > now]
