"""The staff's pages of consultation hours: the agency's hours, one hour (its dates, exceptions
and bookings), and creating or changing an hour (team leads and administrators of the hour's
agency). Hours name no client, so these pages log nothing; refusals are logged by the access
layer as everywhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decide import refuse, require_in, right_in
from access.rules import Action
from access.web import requires
from agencies.models import Agency
from agencies.selectors import agencies_of

from .. import schedule, selectors, services, work
from ..forms import BookingForm, ExceptionForm, HourForm
from ..models import default_holiday_region
from ..presenting import present


def agencies_with(user, action: Action) -> list[Agency]:
    return [agency for agency in agencies_of(user) if right_in(user, action, agency) is not None]


def hour_or_404(hour_id: int):
    hour = selectors.hour_for_staff(hour_id)
    if hour is None:
        raise Http404
    return hour


@requires(Action.CONSULTATION_CONTACT)
def hour_list(request):
    agencies = agencies_with(request.user, Action.CONSULTATION_CONTACT)
    managed = {agency.pk for agency in agencies_with(request.user, Action.CONSULTATION_MANAGE)}
    items = present(selectors.hours_of(agencies), timezone.now(), count=1)
    context = {
        "items": items,
        "managed": managed,
        "can_create": bool(managed),
        "can_report": bool(agencies_with(request.user, Action.CONSULTATION_UPTAKE)),
    }
    return render(request, "consultations/hour_list.html", context)


def detail_context(request, hour, *, booking_form=None, exception_form=None) -> dict:
    """What the hour's page shows; the forms of a failed post are passed back in."""
    now = timezone.now()
    exceptions = list(hour.exceptions.all())
    dates = work.bookable_dates(hour, now=now) if hour.mode == "slots" else []
    bookings = selectors.bookings_between(hour, dates[0], dates[-1]) if dates else []
    by_day = {day: [b for b in bookings if b.date == day] for day in dates[:4]}
    return {
        "hour": hour,
        "item": present([hour], now, count=6)[0],
        "exceptions": exceptions,
        "can_manage": right_in(request.user, Action.CONSULTATION_MANAGE, hour.agency) is not None,
        "exception_form": exception_form or ExceptionForm(initial={"kind": "cancelled"}),
        "booking_form": booking_form or BookingForm(dates=dates, times=schedule.slots(hour)),
        "bookings_by_day": [(day, by_day[day], _free(hour, by_day[day])) for day in by_day],
    }


def _free(hour, bookings) -> list[str]:
    taken = [(b.starts_at, b.ends_at) for b in bookings]
    return [f"{start:%H:%M}" for start, end in schedule.slots(hour) if not any(s < end and e > start for s, e in taken)]


@login_required
def hour_detail(request, hour_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_CONTACT, hour.agency)
    return render(request, "consultations/hour_detail.html", detail_context(request, hour))


@requires(Action.CONSULTATION_MANAGE)
def hour_create(request):
    agencies = agencies_with(request.user, Action.CONSULTATION_MANAGE)
    initial = {
        "agency": agencies[0].pk if agencies else None,
        "interval": 1,
        "mode": "walk_in",
        "languages": ["de"],
        "starts_on": timezone.localdate(),
        "holiday_region": default_holiday_region(),
        "is_active": True,
    }
    return _edit(request, hour=None, agencies=agencies, initial=initial)


@login_required
def hour_edit(request, hour_id: int):
    hour = hour_or_404(hour_id)
    require_in(request.user, Action.CONSULTATION_MANAGE, hour.agency)
    return _edit(request, hour=hour, agencies=[hour.agency], initial=HourForm.initial_for(hour))


def _edit(request, *, hour, agencies, initial):
    if not agencies:
        refuse(request.user, Action.CONSULTATION_MANAGE)
    data = request.POST if request.method == "POST" else None
    form = HourForm(
        data,
        initial=initial,
        agencies=Agency.objects.filter(pk__in=[a.pk for a in agencies]),
        locations=selectors.locations_for(agencies),
        colleagues=selectors.colleagues_for(agencies),
    )
    if data is not None and form.is_valid():
        agency = hour.agency if hour else form.cleaned_data["agency"]
        try:
            saved = services.hour_save(
                actor=request.user,
                agency=agency,
                hour=hour,
                version=form.cleaned_data["version"],
                data=form.hour_data(),
            )
        except services.HourChangedError as error:
            form.add_error(
                None,
                _(
                    "Someone else has changed the consultation hour in the meantime. Your input is kept below; "
                    "please compare it with the hour's current page and save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = str(error.current.version)
        except ValidationError as error:
            apply_errors(form, error, renamed={"rrule": "weekdays"})
        else:
            messages.success(request, _("The consultation hour has been saved."))
            return redirect("consultations:hour", saved.pk)
    return render(request, "consultations/hour_edit.html", {"form": form, "hour": hour})


def apply_errors(form, error: ValidationError, renamed: dict | None = None) -> None:
    """A service's errors at the form's fields; the rest at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, field_messages in error.message_dict.items():
        name = (renamed or {}).get(name, name)
        form.add_error(name if name in form.fields else None, field_messages)
