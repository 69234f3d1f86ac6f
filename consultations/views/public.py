"""The public pages of consultation hours, reachable without login: the list by district, the
iCalendar feed and the poster of a Stadtteilbüro. They show hours, places and topics — never
staff, bookings or contacts — so they log nothing."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import ical, selectors
from ..presenting import by_district, present

_MAX_ID = 2**31 - 1


def _district_id(request) -> int | None:
    """The district asked for (`stadtteil`): None for none; Http404 for a malformed one."""
    value = request.GET.get("stadtteil", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID):
        raise Http404
    return int(value)


@require_safe
def public_list(request):
    municipalities = selectors.municipalities_with_hours()
    municipality = request.GET.get("gemeinde", "")
    if municipality not in municipalities:
        municipality = ""
    now = timezone.now()
    items = present(selectors.public_hours(municipality=municipality), now)
    context = {
        "groups": by_district(items),
        "municipalities": municipalities,
        "municipality": municipality,
        "today": timezone.localdate(),
    }
    return render(request, "consultations/public_list.html", context)


@require_safe
def calendar_feed(request):
    district_id = _district_id(request)
    name = _("Consultation hours")
    filename = "sprechstunden.ics"
    if district_id is not None:
        district = selectors.district_by_id(district_id)
        if district is None:
            raise Http404
        name = _("Consultation hours in %(district)s") % {"district": district.name}
        filename = f"sprechstunden-{district_id}.ics"
    hours = selectors.public_hours(district_id=district_id)
    content = ical.calendar_of(hours, name=name, today=timezone.localdate())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def poster(request, location_id: int):
    location = selectors.poster_location(location_id)
    if location is None:
        raise Http404
    items = present(selectors.hours_at(location), timezone.now(), count=4)
    context = {"location": location, "items": items, "today": timezone.localdate()}
    return render(request, "consultations/poster.html", context)
