"""Posts on an hour's page — exceptions (team leads and administrators), bookings (staff) — and
recording a contact (staff). The services decide who may; a contact or booking linked to a
case is logged there, through the access layer, as a read of that case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decide import require_in
from access.rules import Action

from .. import schedule, selectors, services, work
from ..forms import BookingForm, ContactForm, ExceptionForm
from .manage import apply_errors, detail_context, hour_or_404


def _hour_page(request, hour, **forms):
    return render(request, "consultations/hour_detail.html", detail_context(request, hour, **forms), status=200)


@require_POST
@login_required
def exception_add(request, hour_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_MANAGE, hour.agency)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.exception_add(actor=request.user, hour=hour, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The date has been entered as an exception."))
            return redirect("consultations:hour", hour.pk)
    return _hour_page(request, hour, exception_form=form)


@require_POST
@login_required
def exception_remove(request, hour_id: int, exception_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_MANAGE, hour.agency)
    try:
        services.exception_remove(actor=request.user, hour=hour, exception_id=exception_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The exception has been removed; the hour takes place on that day again."))
    return redirect("consultations:hour", hour.pk)


@require_POST
@login_required
def booking_add(request, hour_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_CONTACT, hour.agency)
    form = BookingForm(request.POST, dates=work.bookable_dates(hour), times=schedule.slots(hour))
    if form.is_valid():
        day, starts_at = form.chosen()
        try:
            work.booking_add(
                actor=request.user,
                hour=hour,
                day=day,
                starts_at=starts_at,
                label=form.cleaned_data["label"],
                case_reference=form.cleaned_data["case_reference"],
            )
        except ValidationError as error:
            apply_errors(form, error, renamed={"day": "date"})
        else:
            messages.success(request, _("The appointment has been booked."))
            return redirect("consultations:hour", hour.pk)
    return _hour_page(request, hour, booking_form=form)


@require_POST
@login_required
def booking_cancel(request, hour_id: int, booking_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_CONTACT, hour.agency)
    try:
        work.booking_cancel(actor=request.user, hour=hour, booking_id=booking_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The booking has been cancelled; the time is free again."))
    return redirect("consultations:hour", hour.pk)


@login_required
def contact_add(request, hour_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_CONTACT, hour.agency)
    data = request.POST if request.method == "POST" else None
    last_date = request.session.get(f"consultation-{hour.pk}-date")
    initial = {"date": last_date or timezone.localdate().isoformat(), "outcome": "information"}
    form = ContactForm(data, initial=initial, **selectors.contact_choices(hour))
    if data is not None and form.is_valid():
        try:
            contact = work.contact_record(
                actor=request.user,
                hour=hour,
                data=form.contact_data(),
                case_reference=form.cleaned_data["case_reference"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session[f"consultation-{hour.pk}-date"] = contact.date.isoformat()
            if contact.case_id:
                messages.success(request, _("The contact has been recorded and linked to the case."))
            else:
                messages.success(request, _("The contact has been recorded anonymously."))
            return redirect("consultations:contact_add", hour.pk)
    context = {"hour": hour, "form": form, "schedule_text": schedule.describe(hour)}
    return render(request, "consultations/contact_add.html", context)
